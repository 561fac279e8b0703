package dev.loyaltyrelay.config;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ClientProxy;
import io.quarkus.arc.InjectableBean;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.SdkClient;

/**
 * SnapStart's priming hook. Prod runs on the JVM with SnapStart (samconfig.toml): Lambda initialises a published
 * version once, snapshots it and restores every cold start from the snapshot. Our beans are created lazily, so without
 * this the snapshot would hold none of what the first request pays for (the SDK clients, the 18 compiled JSON Schemas
 * of the event catalogue, the provider adapters). Before the checkpoint, every application-scoped or singleton bean of
 * ours, and every SDK client, is created, so it is in the snapshot.
 *
 * <p>Nothing here calls the network: a connection opened before the snapshot would be restored stale, and a call would
 * act on production data at deploy time. A bean that cannot be created here (a setting only its own function has) is
 * left to be created on first use, as it would be without the hook; its name is logged, never its message.
 *
 * <p>Outside SnapStart the hook is registered and never called: {@code Core.getGlobalContext()} is a no-op context on a
 * JVM without CRaC, and Quarkus' own SnapStart support (class preloading) is already on by default
 * ({@code quarkus.snapstart.enable}).
 */
@Startup
@ApplicationScoped
public class SnapStartPriming implements Resource {

    private static final String OUR_PACKAGE = "dev.loyaltyrelay.";

    @PostConstruct
    void register() {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: no connection or clock reading is taken before the checkpoint.
    }

    /** Creates every bean the hook primes; returns the names of those that could not be created (left lazy). */
    public List<String> prime() {
        List<String> leftLazy = new ArrayList<>();
        for (Bean<?> candidate : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            if (!(candidate instanceof InjectableBean<?> bean) || !primed(bean)) {
                continue;
            }
            try {
                // A normal-scoped bean is a client proxy until first use: unwrapping creates the instance behind it.
                ClientProxy.unwrap(Arc.container().instance(bean).get());
            } catch (RuntimeException | LinkageError e) {
                // A failed static initialiser or a missing class too (LinkageError): escaping beforeCheckpoint, it would
                // fail the snapshot and with it the deployment, where left lazy it fails only the request that needs it.
                leftLazy.add(bean.getBeanClass().getName());
                Log.warnf("snapstart priming: %s left to its first use (%s)", bean.getBeanClass().getName(), e.getClass().getSimpleName());
            }
        }
        return leftLazy;
    }

    private static boolean primed(InjectableBean<?> bean) {
        Class<?> scope = bean.getScope();
        if (scope != ApplicationScoped.class && scope != Singleton.class) {
            // A dependent bean is created per injection point: made here, it would be a copy no one uses.
            return false;
        }
        String name = bean.getBeanClass().getName();
        boolean ours = name.startsWith(OUR_PACKAGE) && !name.startsWith(OUR_PACKAGE + "local.") && bean.getBeanClass() != SnapStartPriming.class;
        boolean sdkClient = bean.getTypes().stream().anyMatch(type -> type instanceof Class<?> c && SdkClient.class.isAssignableFrom(c));
        return ours || sdkClient;
    }
}

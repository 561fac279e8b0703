package dev.loyaltyrelay.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.config.RelayConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;

/** What a plain unit test of ingestion (no Quarkus) builds the use case with: the default limits, and the catalogue. */
public final class IngestParts {

    private IngestParts() {
    }

    /** The ingest limits of {@code application.properties} (256 KiB, 16 deep, 64 K characters) and the configuration cache's defaults (1 s fresh, 5 min at most). */
    public static RelayConfig config() {
        RelayConfig.Ingest ingest = (RelayConfig.Ingest) Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.Ingest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "maxBodyBytes" -> 262_144;
                    case "maxNestingDepth" -> 16;
                    case "maxStringLength" -> 65_536;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (RelayConfig) Proxy.newProxyInstance(RelayConfig.class.getClassLoader(), new Class<?>[] {RelayConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "ingest" -> ingest;
                    case "configCacheTtl" -> Duration.ofMinutes(5);
                    case "configFreshFor" -> Duration.ofSeconds(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The catalogue's 18 JSON schemas, loaded once per JVM. */
    public static EventCatalogue catalogue() {
        return Catalogue.INSTANCE;
    }

    private static final class Catalogue {
        static final EventCatalogue INSTANCE = new EventCatalogue(new ObjectMapper());
    }
}

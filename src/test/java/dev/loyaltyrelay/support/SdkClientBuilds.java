package dev.loyaltyrelay.support;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts AWS SDK clients built in this JVM, whoever builds them: the SDK instantiates every class listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} (test resources) once per client it builds, so
 * each construction of this interceptor is one client build. It does nothing to the calls.
 */
public class SdkClientBuilds implements ExecutionInterceptor {

    private static final List<String> BUILT = new ArrayList<>();

    public SdkClientBuilds() {
        String builder = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> name.startsWith("software.amazon.awssdk.services.") && name.endsWith("ClientBuilder"))
                .findFirst().map(name -> name.substring("software.amazon.awssdk.services.".length(), name.lastIndexOf('.')))
                .orElse("an SDK client"));
        synchronized (BUILT) {
            BUILT.add(builder);
        }
    }

    /** The clients built so far, by service ({@code dynamodb}, {@code sqs}, ...), one entry per build, in order. */
    public static List<String> built() {
        synchronized (BUILT) {
            return List.copyOf(BUILT);
        }
    }
}

package dev.loyaltyrelay.config;

import org.eclipse.microprofile.config.Config;

/** {@link QueueUrls} read from a configuration a test builds (its constructor is the container's). */
public final class TestQueueUrls {
    private TestQueueUrls() {
    }

    public static QueueUrls from(Config config) {
        return new QueueUrls(config);
    }
}

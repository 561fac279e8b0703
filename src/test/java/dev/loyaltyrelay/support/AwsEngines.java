package dev.loyaltyrelay.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Declares {@link LocalAwsResource} once for every {@code @QuarkusTest} in the module. */
@QuarkusTestResource(LocalAwsResource.class)
public final class AwsEngines {
    private AwsEngines() {
    }
}

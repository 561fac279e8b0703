package dev.loyaltyrelay.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Review 15b. SnapStartPriming's javadoc: "A bean that cannot be created here ... is left to be created on first use, as
 * it would be without the hook". prime() catches RuntimeException only, so a bean whose creation fails with an Error
 * makes beforeCheckpoint throw: on Lambda an exception from a beforeCheckpoint hook fails the snapshot, so the version
 * (and the deployment) fails, where without the hook the function would have started and failed only that bean's calls.
 */
@QuarkusTest
@TestProfile(SnapStartPrimingErrorTest.FreshApplication.class)
class SnapStartPrimingErrorTest {

    public static class FreshApplication implements QuarkusTestProfile {
    }

    @Inject
    SnapStartPriming priming;
    // Injected so the bean is not removed as unused (every real bean is used by someone).
    @Inject
    BeanFailingToInitialise failing;

    @AfterEach
    void stopFailing() {
        System.clearProperty(BeanFailingToInitialise.FAIL);
    }

    @Test
    void aBeanWhoseCreationFailsWithAnError_isLeftLazy_andTheCheckpointGoesOn() {
        System.setProperty(BeanFailingToInitialise.FAIL, "true");
        assertDoesNotThrow(() -> priming.beforeCheckpoint(null), "an Error from one bean's creation escapes beforeCheckpoint");
    }
}

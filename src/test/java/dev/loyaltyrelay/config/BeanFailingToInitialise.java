package dev.loyaltyrelay.config;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * A bean of ours whose creation fails with an Error, as one does whose class cannot be initialised
 * (ExceptionInInitializerError, NoClassDefFoundError). Throws only when SnapStartPrimingErrorTest asks, so no other test
 * sees it.
 */
@ApplicationScoped
public class BeanFailingToInitialise {

    static final String FAIL = "review15b.priming-error";

    public BeanFailingToInitialise() {
        if (Boolean.getBoolean(FAIL)) {
            throw new ExceptionInInitializerError("simulated: a static initialiser failed");
        }
    }

    public String name() {
        return "review";
    }
}

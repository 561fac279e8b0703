package dev.loyaltyrelay.domain;

/** A store could not be reached or answered with a server error; the caller may try again later. */
public class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String operation, Throwable cause) {
        super(operation + " failed: " + cause.getClass().getSimpleName(), cause);
    }
}

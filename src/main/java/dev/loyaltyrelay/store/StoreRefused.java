package dev.loyaltyrelay.store;

/**
 * DynamoDB refused a request as invalid (a start key that is not its own, an expression it does not accept): the
 * request is wrong, not the store down, so no retry helps. Callers that build a request from a client's input
 * (a cursor) turn it into that client's error; anywhere else it is a defect.
 */
public class StoreRefused extends RuntimeException {
    public StoreRefused(String operation, Throwable cause) {
        super(operation + " refused by the store: " + cause.getClass().getSimpleName(), cause);
    }
}

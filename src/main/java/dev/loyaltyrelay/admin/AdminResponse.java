package dev.loyaltyrelay.admin;

/**
 * What an admin route answers: a status and its body record (null for 204).
 *
 * @param <R> the route's answer record ({@link Void} for a route that answers no body)
 */
public record AdminResponse<R>(int status, R body) {

    public static <R> AdminResponse<R> ok(R body) {
        return new AdminResponse<>(200, body);
    }

    public static <R> AdminResponse<R> created(R body) {
        return new AdminResponse<>(201, body);
    }

    public static <R> AdminResponse<R> accepted(R body) {
        return new AdminResponse<>(202, body);
    }

    public static AdminResponse<Void> noContent() {
        return new AdminResponse<>(204, null);
    }
}

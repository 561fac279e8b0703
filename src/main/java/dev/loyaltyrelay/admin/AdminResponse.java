package dev.loyaltyrelay.admin;

/**
 * What an admin route answers: a status and a JSON body (null for 204).
 */
public record AdminResponse(int status, Object body) {

    public static AdminResponse ok(Object body) {
        return new AdminResponse(200, body);
    }

    public static AdminResponse created(Object body) {
        return new AdminResponse(201, body);
    }

    public static AdminResponse noContent() {
        return new AdminResponse(204, null);
    }
}

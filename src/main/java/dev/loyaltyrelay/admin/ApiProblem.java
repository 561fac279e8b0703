package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A refusal the admin API answers as {@code application/problem+json} (RFC 9457). The detail and field reasons
 * are written by this code, never copied from input, so no secret or personal data can reach a response or a log.
 */
public final class ApiProblem extends RuntimeException {

    /** One invalid input field: its JSON path and why. */
    @RegisterForReflection
    public record FieldError(String field, String reason) {
    }

    /** The problem as the answer's body: the document's {@code Problem}; {@code errors} only when a field is named. */
    @RegisterForReflection
    public record Body(String type, String title, int status, String detail, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> errors) {
    }

    private final int status;
    private final String code;
    private final List<FieldError> errors;

    public ApiProblem(int status, String code, String detail) {
        this(status, code, detail, List.of());
    }

    public ApiProblem(int status, String code, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public static ApiProblem invalid(String field, String reason) {
        return new ApiProblem(400, "invalid_request", "the request has an invalid field", List.of(new FieldError(field, reason)));
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "not_found", what + " not found");
    }

    Body body() {
        return new Body("https://loyalty-relay.dev/problems/" + code, code, status, getMessage(), errors);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}

package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One admin call after routing: the path parameters of its route, the query, its body as the route's record, and the
 * path's merchant.
 *
 * @param caller     who is calling (authenticated)
 * @param pathParams the route's parameters, e.g. {@code merchantId}
 * @param query      query string parameters
 * @param reader     binds the JSON body to the route's record, refusing it as a 400 problem (see {@link Bodies})
 * @param merchants  where the path's merchant is read
 * @param <B>        the route's body record ({@link Void} for a route that takes none)
 */
public record AdminRequest<B>(AdminAuth.Caller caller, Map<String, String> pathParams, Map<String, String> query, Supplier<B> reader,
        ConfigurationStore merchants) {

    /**
     * The body as the route's record. Bound when asked, so that an action checks what the path names (the merchant,
     * the integration) before it refuses a body.
     */
    public B body() {
        return reader.get();
    }

    /** The path's merchant, read at this call (a second call reads it again), or a 404. */
    public MerchantConfiguration merchant() {
        return merchants.load(merchantId()).orElseThrow(() -> ApiProblem.notFound("merchant"));
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    public Optional<String> query(String name) {
        String value = query.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String merchantId() {
        return pathParams.get("merchantId");
    }
}

package dev.loyaltyrelay.application.ingest;

import java.util.List;

/** The headers Nector sends with a webhook, by their lower-case names (as {@link WebhookRequest} holds them). */
public final class NectorHeaders {

    public static final String TOPIC = "x-nector-topic";
    public static final String DELIVERY_ID = "x-nector-delivery-id";
    public static final String TIMESTAMP = "x-nector-timestamp";
    public static final String SECRET_HASH = "x-nector-webhook-secret";
    public static final String SECRET_HASH_ALGO = "x-nector-webhook-secret-algo";
    public static final String BODY_HMAC = "x-nector-webhook-hmac";
    public static final String BODY_HMAC_ALGO = "x-nector-webhook-hmac-algo";

    /** Headers kept with a held event so that a replay carries what the original did (never the secret hash). */
    static final List<String> REPLAYED = List.of(TOPIC, DELIVERY_ID, TIMESTAMP, "x-source");

    /** What ingest takes as Nector's delivery id: 1 to 128 printable ASCII characters (one grammar for every reader). */
    private static final java.util.regex.Pattern DELIVERY_ID_FORMAT = java.util.regex.Pattern.compile("^[\\x21-\\x7e]{1,128}$");

    private NectorHeaders() {
    }

    /** Whether ingest takes this as Nector's delivery id (the webhook lookup reads ids by the same rule). */
    public static boolean isDeliveryId(String candidate) {
        return candidate != null && DELIVERY_ID_FORMAT.matcher(candidate).matches();
    }
}

package dev.loyaltyrelay.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Key layout of both tables. The config table keeps a merchant's profile, secrets, integrations and mappings
 * under one partition, so ingest reads them in one query; customers have their own partition per merchant, and so do
 * the merchant's traffic observations ({@code O#<merchant>} / {@code TOPIC#<topic>}, {@link DynamoTrafficObservations}),
 * which the configuration load must never read.
 * The records table holds short-lived records, each expiring through the {@code expiresAt} TTL attribute, and a
 * recipient's consent ({@code RECIPIENT#<keyed hash>} / {@code CONSENT#<CHANNEL>}), which never expires.
 */
final class Keys {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String EXPIRES_AT = "expiresAt";
    static final String MOBILE_KEY = "mobileKey";
    static final String EMAIL_KEY = "emailKey";
    static final String BY_MOBILE_INDEX = "byMobile";
    static final String BY_EMAIL_INDEX = "byEmail";
    /** Records-table index of delivery records by merchant, newest first by {@link #LISTED_AT}. */
    static final String DELIVERIES_BY_MERCHANT_INDEX = "deliveriesByMerchant";
    static final String LISTED_AT = "listedAt";
    /** Records-table index of delivery records by {@link #RECIPIENT_KEY} (keys only). */
    static final String DELIVERIES_BY_RECIPIENT_INDEX = "deliveriesByRecipient";
    static final String DELIVERIES_BY_PROVIDER_MESSAGE_INDEX = "deliveriesByProviderMessage";
    /** A delivery record's keyed hash of its merchant and recipient. */
    static final String RECIPIENT_KEY = "recipientKey";

    static final String PROFILE = "PROFILE";
    static final String SECRET_PREFIX = "SECRET#";
    static final String INTEGRATION_PREFIX = "INTEGRATION#";
    static final String MAPPING_PREFIX = "MAPPING#";
    /** The item holding a merchant's configuration version ({@code ConfigurationStore#version}). */
    static final String VERSION = "VERSION";

    private Keys() {
    }

    static String merchant(String merchantId) {
        return "M#" + merchantId;
    }

    /** The key of an item in a merchant's partition of the config table. */
    static Map<String, AttributeValue> merchantItem(String merchantId, String sortKey) {
        return Map.of(PK, AttributeValue.fromS(merchant(merchantId)), SK, AttributeValue.fromS(sortKey));
    }

    static String customers(String merchantId) {
        return "C#" + merchantId;
    }

    static String mapping(String integrationId, String mappingId) {
        return MAPPING_PREFIX + integrationId + "#" + mappingId;
    }

    static String ingestClaim(String merchantId, String nectorDeliveryId) {
        return "INGEST#" + merchantId + "#" + nectorDeliveryId;
    }

    static String fingerprint(String merchantId, String fingerprint) {
        return "FP#" + merchantId + "#" + fingerprint;
    }

    static String delivery(String deliveryId) {
        return "DELIVERY#" + deliveryId;
    }

    /**
     * A delivery's place in its merchant's listing: the receipt time in a fixed-width, text-sortable form
     * (milliseconds always written, so {@code ...00.500Z} sorts after {@code ...00.000Z}), then the delivery id.
     */
    static String listedAt(Instant receivedAt, String deliveryId) {
        return sortableTime(receivedAt) + "#" + deliveryId;
    }

    /** An instant as fixed-width UTC text ({@code 2026-11-18T10:00:00.000Z}), compared as text in key conditions. */
    static String sortableTime(Instant instant) {
        return SORTABLE_TIME.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static final DateTimeFormatter SORTABLE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static String held(String merchantId) {
        return "HELD#" + merchantId;
    }
}

package dev.loyaltyrelay.domain;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer of the store as the events describe them, learned from the {@code user_*} properties so that a
 * test event can require an existing customer.
 *
 * @param merchantId   the store
 * @param customerKey  Nector's {@code user_customer_id}, else the mobile, else the email
 * @param mobile       E.164, or null
 * @param email        lower-cased, or null
 * @param name         {@code user_name}, or null
 * @param tier         {@code user_tier}, or null
 * @param type         {@code user_type}, or null
 * @param referralCode {@code user_referral_code}, or null
 */
public record CustomerProfile(
        String merchantId,
        String customerKey,
        String mobile,
        String email,
        String name,
        String tier,
        String type,
        String referralCode) {

    /** The profile an event describes, if it names a customer at all. Unreadable addresses are left out. */
    public static Optional<CustomerProfile> fromEvent(String merchantId, Map<String, Object> properties, String defaultCountry) {
        String mobile = RecipientResolver.resolve(CommonProperty.MOBILE, properties, defaultCountry) instanceof RecipientResolver.Resolved r
                ? r.recipient().address() : null;
        String email = RecipientResolver.resolve(CommonProperty.EMAIL, properties, defaultCountry) instanceof RecipientResolver.Resolved r
                ? r.recipient().address() : null;
        String customerId = text(properties.get("user_customer_id"));
        String key = customerId != null ? idKey(customerId) : mobile != null ? "mobile:" + mobile : email != null ? "email:" + email : null;
        if (key == null) {
            return Optional.empty();
        }
        return Optional.of(new CustomerProfile(merchantId, key, mobile, email, text(properties.get("user_name")),
                text(properties.get("user_tier")), text(properties.get("user_type")), text(properties.get("user_referral_code"))));
    }

    /** A digest of every field, so an unchanged profile is recognised without comparing field by field. */
    public String contentHash() {
        String absent = "\u0000";
        return Hashes.sha256HexOfParts(merchantId, customerKey, Objects.toString(mobile, absent), Objects.toString(email, absent),
                Objects.toString(name, absent), Objects.toString(tier, absent), Objects.toString(type, absent),
                Objects.toString(referralCode, absent)).substring(0, 32);
    }

    /** The addresses this record carries (mobile, email). */
    public java.util.List<Recipient> addresses() {
        var addresses = new java.util.ArrayList<Recipient>(2);
        if (mobile != null) {
            addresses.add(new Recipient(CommonProperty.MOBILE, mobile));
        }
        if (email != null) {
            addresses.add(new Recipient(CommonProperty.EMAIL, email));
        }
        return addresses;
    }

    /** The customer id as a key: as it is when short, else its hash (a store key has a length limit; an id has none). */
    static String idKey(String customerId) {
        return customerId.length() <= MAX_ID_IN_KEY ? "id:" + customerId : "idsha:" + Hashes.sha256HexOfParts(customerId);
    }

    /** Longest customer id kept in a key as it is. */
    static final int MAX_ID_IN_KEY = 200;

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    @Override
    public String toString() {
        return "CustomerProfile[" + merchantId + "]";
    }
}

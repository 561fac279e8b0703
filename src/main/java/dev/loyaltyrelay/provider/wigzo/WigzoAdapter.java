package dev.loyaltyrelay.provider.wigzo;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.provider.RestProviderAdapter;
import dev.loyaltyrelay.provider.Secret;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Wigzo automation trigger, by email: {@code POST /rest/v1/learn/identify} with a stable user id and the email
 * (the preparation: it sends nothing to the customer), then {@code POST /rest/v1/learn/event} ({@code eventCategory=EXTERNAL}, the forwarded properties as
 * {@code eventval}). A recipient identified by this container within {@link #IDENTIFY_REUSE} is not identified
 * again. The user id is a UUID (version-4 layout, as Wigzo asks) derived from the merchant and the email, so
 * the same customer always has the same id without storing one.
 */
@Singleton
public class WigzoAdapter extends RestProviderAdapter<WigzoAdapter.Credentials, WigzoApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.profile("wigzo", "Wigzo", Channel.EMAIL, true, Credentials.class);

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret orgToken, Secret apiToken) {
    }

    static final Duration IDENTIFY_REUSE = Duration.ofHours(12);
    static final int MAX_REMEMBERED = 50_000;
    private final Map<String, Instant> identifiedAt = new ConcurrentHashMap<>();

    WigzoAdapter(@RestClient WigzoApi api, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
    }

    /** Identifies the recipient unless this container did in the last {@link #IDENTIFY_REUSE}. */
    @Override
    public Optional<DeliveryOutcome> prepare(OutboundMessage message, Credentials credentials) {
        if (message.eventName() == null || message.eventName().isBlank()) {
            return Optional.of(Rejected.beforeCall("event_name_invalid"));
        }
        String email = message.recipient().address();
        String userId = userId(message.merchantId(), email);
        String identityKey = Hashes.sha256HexOfParts(credentials.orgToken().value(), userId);
        Instant now = clock.instant();
        Instant lastIdentified = identifiedAt.get(identityKey);
        if (lastIdentified != null && !lastIdentified.plus(IDENTIFY_REUSE).isBefore(now)) {
            return Optional.empty();
        }
        var identify = new WigzoApi.Identify(userId, email);
        DeliveryOutcome identified = call(() -> api.identify(credentials.orgToken().value(), credentials.apiToken().value(), identify));
        if (!(identified instanceof DeliveryOutcome.Sent)) {
            return Optional.of(identified);
        }
        remember(identityKey, now);
        return Optional.empty();
    }

    @Override
    public boolean preparesFirst() {
        return true;
    }

    @Override
    public String preparation() {
        return "identify";
    }

    /** Triggers the automation: the request that makes Wigzo message the customer. */
    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        if (message.eventName() == null || message.eventName().isBlank()) {
            return Rejected.beforeCall("event_name_invalid");
        }
        String userId = userId(message.merchantId(), message.recipient().address());
        var event = new WigzoApi.CustomEvent(message.eventName(), "EXTERNAL", message.forwarded(), userId);
        return call(() -> api.event(credentials.orgToken().value(), credentials.apiToken().value(), event), "id", "eventId", "data.id");
    }

    /** A stable UUID for a customer of a merchant, laid out as version 4 (random) with the IETF variant. */
    static String userId(String merchantId, String email) {
        char[] hex = Hashes.sha256HexOfParts("wigzo-user", merchantId, email).substring(0, 32).toCharArray();
        hex[12] = '4';
        hex[16] = "89ab".charAt(Character.digit(hex[16], 16) & 0x3);
        String h = new String(hex);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    private void remember(String identityKey, Instant now) {
        if (identifiedAt.size() >= MAX_REMEMBERED) {
            identifiedAt.clear();
        }
        identifiedAt.put(identityKey, now);
    }
}

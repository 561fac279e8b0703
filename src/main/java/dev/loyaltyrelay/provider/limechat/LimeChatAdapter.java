package dev.loyaltyrelay.provider.limechat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * LimeChat flow trigger: {@code POST /api/v1/cvf-events} with headers {@code x-limechat-uat} (access token) and
 * {@code x-fb-account-id}; {@code distinct_id} and {@code phone} are the number without {@code +}; the event
 * name is the mapping's (else the topic) and must have no spaces; {@code data} holds the forwarded properties,
 * flat (a nested value is passed as its JSON text).
 *
 * <p>LimeChat's direct template send has only a partial public description (no documented body for the
 * template variables), so it is not implemented: a merchant maps events to flows, as the guide describes.
 */
@Singleton
public class LimeChatAdapter extends RestProviderAdapter<LimeChatAdapter.Credentials, LimeChatApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.profile("limechat", "LimeChat", Channel.WHATSAPP, true, Credentials.class);

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret accountId, Secret accessToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    LimeChatAdapter(@RestClient LimeChatApi api, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        if (message.eventName() == null || message.eventName().isBlank() || message.eventName().chars().anyMatch(Character::isWhitespace)) {
            return Rejected.beforeCall("event_name_invalid");
        }
        String phone = message.recipient().address().substring(1);
        var event = new LimeChatApi.CustomEvent(phone, phone, message.eventName(), flat(message.forwarded()));
        return call(() -> api.sendEvent(credentials.accessToken().value(), credentials.accountId().value(), event), "id", "event_id", "message_id", "data.id");
    }

    static Map<String, Object> flat(Map<String, Object> properties) {
        var flat = new LinkedHashMap<String, Object>();
        properties.forEach((name, value) -> flat.put(name, value instanceof Map<?, ?> || value instanceof List<?> ? jsonText(value) : value));
        return flat;
    }

    private static String jsonText(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}

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
 * LimeChat, two ways, chosen by the mapping:
 * <ul>
 *   <li><b>a flow</b> (a mapping without {@code templateId}): {@code POST /api/v1/cvf-events} on the flow builder with
 *   headers {@code x-limechat-uat} (the token) and {@code x-fb-account-id}; {@code distinct_id} and {@code phone} are the
 *   number without {@code +}; the event name is the mapping's (else the topic) and must have no spaces; {@code data}
 *   holds the forwarded properties, flat (a nested value is passed as its JSON text). LimeChat support builds the flow.</li>
 *   <li><b>a template</b> (a mapping with {@code templateId}): {@code POST /api/v1/accounts/{accountId}/store_notifications/
 *   create_notification_limekit/} on {@code app.limechat.ai}, header {@code api_access_token}, body {@code phone} (no
 *   {@code +}), {@code template_id} and {@code template_attributes} (the mapping's variables in order). No flow needed.</li>
 * </ul>
 * Both send the integration's one {@code accessToken}. LimeChat's direct-send page says it is the dashboard's access token
 * (Profile settings, Access Token); its custom-events page asks for an API key generated for outbound use, and
 * Nector's guide points at the dashboard token. Whether those are one token is not public: see {@link #CREDENTIAL_USE}.
 */
@Singleton
public class LimeChatAdapter extends RestProviderAdapter<LimeChatAdapter.Credentials, LimeChatApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.flowsAndTemplates("limechat", "LimeChat", Channel.WHATSAPP, Credentials.class);

    /** Which token each way of sending takes: said in the Initialize answer and the README. */
    static final List<String> CREDENTIAL_USE = List.of(
            "template mappings (templateId): accessToken is sent as api_access_token to app.limechat.ai's direct template send,"
                    + " which takes the dashboard's access token (Profile settings, Access Token)",
            "flow mappings (eventName): accessToken is sent as x-limechat-uat to flow-builder.limechat.ai, whose custom-events"
                    + " page asks for the API key generated for outbound use; LimeChat does not say whether it is the dashboard's"
                    + " access token: if it differs, keep one integration per token (template mappings on one, flow mappings on the other)");

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret accountId, Secret accessToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LimeChatNotificationsApi notifications;

    LimeChatAdapter(@RestClient LimeChatApi api, @RestClient LimeChatNotificationsApi notifications, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
        this.notifications = notifications;
    }

    @Override
    public List<String> credentialUse() {
        return CREDENTIAL_USE;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        if (message.sendsTemplate()) {
            return sendTemplate(message, credentials);
        }
        if (message.eventName() == null || message.eventName().isBlank() || message.eventName().chars().anyMatch(Character::isWhitespace)) {
            return Rejected.beforeCall("event_name_invalid");
        }
        String phone = message.recipient().address().substring(1);
        var event = new LimeChatApi.CustomEvent(phone, phone, message.eventName(), flat(message.forwarded()));
        return call(() -> api.sendEvent(credentials.accessToken().value(), credentials.accountId().value(), event), "id", "event_id", "message_id", "data.id");
    }

    private DeliveryOutcome sendTemplate(OutboundMessage message, Credentials credentials) {
        var notification = new LimeChatNotificationsApi.TemplateNotification(message.recipient().address().substring(1), message.templateId(),
                message.variables());
        // Where its answer carries a message id is not public: the usual places are read.
        return call(() -> notifications.sendTemplate(credentials.accessToken().value(), credentials.accountId().value(), notification),
                "id", "message_id", "data.id", "data.message_id");
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

package dev.loyaltyrelay.provider.delightchat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
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
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * DelightChat automation send: {@code POST /api/v1/public/message}, header {@code X-API-KEY}; the number split
 * into {@code country_code} ({@code +91}) and the national number by libphonenumber, the variables as
 * {@code message_data} keyed "1", "2", ... in the mapping's order.
 */
@Singleton
public class DelightChatAdapter extends RestProviderAdapter<DelightChatAdapter.Credentials, DelightChatApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.profile("delightchat", "DelightChat", Channel.WHATSAPP, false, Credentials.class);

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret apiKey) {
    }

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    DelightChatAdapter(@RestClient DelightChatApi api, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        PhoneNumber number;
        try {
            number = PHONES.parse(message.recipient().address(), null);
        } catch (NumberParseException e) {
            return Rejected.beforeCall("recipient_invalid");
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < message.variables().size(); i++) {
            data.put(Integer.toString(i + 1), message.variables().get(i));
        }
        var request = new DelightChatApi.AutomationMessage("+" + number.getCountryCode(), PHONES.getNationalSignificantNumber(number),
                message.templateId(), data);
        return call(() -> api.sendMessage(credentials.apiKey().value(), request), "message_id", "messageId", "id", "data.id", "data.message_id");
    }
}

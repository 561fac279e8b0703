package dev.loyaltyrelay.provider.zoko;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.provider.RestProviderAdapter;
import dev.loyaltyrelay.provider.Secret;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko template send: {@code POST /v2/message}, header {@code apikey}, the recipient in E.164 without
 * {@code +}, {@code templateArgs} in the mapping's order. Success is 202 {@code {"messageId": ...}}.
 */
@Singleton
public class ZokoAdapter extends RestProviderAdapter<ZokoAdapter.Credentials, ZokoApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.profile("zoko", "Zoko", Channel.WHATSAPP, false, Credentials.class);

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret apiKey) {
    }

    static final String DEFAULT_LANGUAGE = "en";
    private final ZokoTemplates templates;

    ZokoAdapter(@RestClient ZokoApi api, ZokoTemplates templates, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
        this.templates = templates;
    }

    /** The key is good when Zoko lists the account's templates with it. */
    @Override
    public CredentialCheck check(Credentials credentials) {
        return switch (templates.list(credentials.apiKey().value())) {
            case TemplateList.Templates listed -> new CredentialCheck.Verified();
            case TemplateList.CredentialsRefused refused -> new CredentialCheck.Refused(refused.httpStatus());
            case TemplateList.Unavailable unavailable -> new CredentialCheck.Unavailable(unavailable.reason());
            case TemplateList.NotOffered notOffered -> new CredentialCheck.NotAvailable();
        };
    }

    @Override
    public boolean listsTemplates() {
        return true;
    }

    @Override
    public TemplateList templates(Credentials credentials) {
        return templates.list(credentials.apiKey().value());
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        var request = new ZokoApi.TemplateMessage("whatsapp", message.recipient().address().substring(1), "template",
                message.templateId(), message.languageOr(DEFAULT_LANGUAGE), message.variables());
        return call(() -> api.sendMessage(credentials.apiKey().value(), request), "messageId", "id");
    }
}

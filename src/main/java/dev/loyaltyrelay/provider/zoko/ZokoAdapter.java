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
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko template send (docs.zoko.io "Send Message"): {@code POST /v2/message}, header {@code apikey}, the recipient in
 * E.164 without {@code +}; {@code type} and {@code templateLanguage} as Zoko's template list gave them when the mapping
 * was saved ({@code template}, {@code richTemplate} or {@code buttonTemplate}); {@code templateArgs} in the mapping's
 * order, after the media header's URL for a rich template (its first argument is the header). A mapping saved before
 * type and language were recorded sends {@code template} in {@code en}, as it always did. Success is 202
 * {@code {"messageId": ...}}.
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
        String type = message.templateType() == null || message.templateType().isBlank() ? ZokoTemplates.PLAIN : message.templateType();
        boolean hasHeader = message.mediaHeaderUrl() != null && !message.mediaHeaderUrl().isBlank();
        if (ZokoTemplates.RICH.equals(type) && !hasHeader) {
            // The admin API refuses such a mapping; a send without its header would only be refused by Zoko.
            return DeliveryOutcome.Rejected.beforeCall("media_header_missing");
        }
        List<String> arguments = new ArrayList<>();
        if (hasHeader) {
            arguments.add(message.mediaHeaderUrl());
        }
        arguments.addAll(message.variables());
        var request = new ZokoApi.TemplateMessage("whatsapp", message.recipient().address().substring(1), type,
                message.templateId(), message.languageOr(DEFAULT_LANGUAGE), arguments);
        return call(() -> api.sendMessage(credentials.apiKey().value(), request), "messageId", "id");
    }
}

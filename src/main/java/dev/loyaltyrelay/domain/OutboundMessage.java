package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import java.util.List;
import java.util.Map;

/**
 * One message ready for a provider: the recipient, what to send and the values that fill it. Built by the
 * delivery pipeline (and by the admin API's test send); an adapter only shapes it into its wire format.
 *
 * @param deliveryId the delivery it belongs to (for logs)
 * @param merchantId the store
 * @param provider   the provider it goes to
 * @param recipient  E.164 mobile or email
 * @param templateId the template or automation id (template providers), else null
 * @param language   the template language, e.g. {@code en}; null lets the adapter use its default
 * @param eventName  the provider-side event that triggers a flow (LimeChat, Wigzo)
 * @param variables  the rendered template variables in template order
 * @param forwarded  the event properties handed to a flow, as the event carried them
 * @param templateType   the provider's kind of template as its template list named it ({@code richTemplate}), or null
 * @param mediaHeaderUrl the media a rich template's header shows, or null
 */
public record OutboundMessage(
        String deliveryId,
        String merchantId,
        Provider provider,
        Recipient recipient,
        String templateId,
        String language,
        String eventName,
        List<String> variables,
        Map<String, Object> forwarded,
        String templateType,
        String mediaHeaderUrl) {

    public OutboundMessage {
        variables = List.copyOf(variables);
        forwarded = forwarded == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(forwarded));
    }

    /** A message of no recorded template type and no media header. */
    public OutboundMessage(String deliveryId, String merchantId, Provider provider, Recipient recipient, String templateId, String language,
            String eventName, List<String> variables, Map<String, Object> forwarded) {
        this(deliveryId, merchantId, provider, recipient, templateId, language, eventName, variables, forwarded, null, null);
    }

    /** Whether it sends a template by id (rather than triggering a flow). */
    public boolean sendsTemplate() {
        return templateId != null && !templateId.isBlank();
    }

    public String languageOr(String fallback) {
        return language == null || language.isBlank() ? fallback : language;
    }

    @Override
    public String toString() {
        return "OutboundMessage[" + deliveryId + " " + provider.key() + " " + recipient.masked() + "]";
    }
}

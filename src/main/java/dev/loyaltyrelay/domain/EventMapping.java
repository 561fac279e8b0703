package dev.loyaltyrelay.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * "Create an Event": which Nector topic notifies an integration, and how.
 *
 * @param integrationId the integration it belongs to
 * @param mappingId     stable id
 * @param topic         the Nector topic, e.g. {@code walletreward_create}
 * @param templateId    the provider's template or automation id (Zoko, DelightChat, BiteSpeed), else null
 * @param eventName     the event name that triggers a flow (LimeChat, Wigzo); null means the topic
 * @param variables     the template variables in template order
 * @param language      the template language, e.g. {@code en}
 * @param forwarded     which further event properties go to the provider
 * @param templateType  the provider's kind of template, as its template list named it when the mapping was saved (Zoko's
 *                      {@code template}, {@code richTemplate} or {@code buttonTemplate}, which its send names as the
 *                      message {@code type}); null where the provider lists no templates, or for a mapping saved before
 *                      it was recorded (the adapter then sends its plain template type)
 * @param mediaHeaderUrl the media (image, video or document) a rich template's header shows: sent as the template's
 *                      first argument, before the variables; null for a template without a media header
 * @param attention     why the mapping needs the merchant (Meta refused its template: disabled, or parameters that do
 *                      not fit it) and since when, else null; kept in the configuration only, never in a job
 */
public record EventMapping(
        String integrationId,
        String mappingId,
        String topic,
        String templateId,
        String eventName,
        List<TemplateVariable> variables,
        String language,
        ForwardedProperties forwarded,
        String templateType,
        String mediaHeaderUrl,
        Attention attention) {

    public EventMapping {
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(mappingId, "mappingId");
        Objects.requireNonNull(topic, "topic");
        variables = variables == null ? List.of() : List.copyOf(variables);
        forwarded = forwarded == null ? ForwardedProperties.NONE : forwarded;
    }

    /** A mapping as the merchant saves it: no attention flag (saving it again clears one). */
    public EventMapping(String integrationId, String mappingId, String topic, String templateId, String eventName,
            List<TemplateVariable> variables, String language, ForwardedProperties forwarded, String templateType, String mediaHeaderUrl) {
        this(integrationId, mappingId, topic, templateId, eventName, variables, language, forwarded, templateType, mediaHeaderUrl, null);
    }

    /**
     * Why a mapping needs the merchant's attention: the provider refused its template ({@code meta_132016}, ...), so every
     * send through it would be refused the same way until the merchant fixes the template and saves the mapping again.
     *
     * @param reason the rejection's reason code
     * @param since  when it was first refused
     */
    public record Attention(String reason, java.time.Instant since) {
    }

    /** Whether sending through it is stopped until the merchant saves it again. */
    public boolean needsAttention() {
        return attention != null;
    }

    /** A mapping of no recorded template type and no media header (a flow, or a plain template). */
    public EventMapping(String integrationId, String mappingId, String topic, String templateId, String eventName,
            List<TemplateVariable> variables, String language, ForwardedProperties forwarded) {
        this(integrationId, mappingId, topic, templateId, eventName, variables, language, forwarded, null, null);
    }

    /** Whether it sends a template by id (rather than triggering a flow by event name). */
    public boolean sendsTemplate() {
        return templateId != null && !templateId.isBlank();
    }

    /** The name of the provider-side event this mapping triggers. */
    public String effectiveEventName() {
        return eventName == null || eventName.isBlank() ? topic : eventName;
    }

    /**
     * Whether {@code other} makes the integration send the same message for the same event: the same topic and
     * template, or (for a flow provider, which has no template) the same event name. Two such mappings would give
     * every customer every message twice.
     */
    public boolean sendsTheSameMessageAs(EventMapping other) {
        return integrationId.equals(other.integrationId) && topic.equals(other.topic)
                && (templateId != null ? templateId.equals(other.templateId)
                        : other.templateId == null && effectiveEventName().equals(other.effectiveEventName()));
    }

    /**
     * The properties a delivery job carries: those the variables read, then those forwarded. A property that
     * the event lacks is left out; the delivery function applies the fallback or fails that variable.
     */
    public Map<String, Object> propertiesFor(Map<String, Object> eventProperties) {
        var selected = new LinkedHashMap<String, Object>();
        for (TemplateVariable variable : variables) {
            if (eventProperties.containsKey(variable.property())) {
                selected.put(variable.property(), eventProperties.get(variable.property()));
            }
        }
        forwarded.select(eventProperties).forEach(selected::putIfAbsent);
        return selected;
    }
}

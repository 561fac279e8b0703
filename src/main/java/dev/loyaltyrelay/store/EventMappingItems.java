package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.putIfPresent;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;
import static dev.loyaltyrelay.store.Attributes.strings;

import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.TemplateVariable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An {@link EventMapping} as its item in the merchant's config partition ({@code MAPPING#<integrationId>#<mappingId>}),
 * and back: its template variables as a list of maps, the forwarded properties as a flag and a list of names.
 */
final class EventMappingItems {

    /** The attention flag's attributes, set by a delivery's conditional update, dropped when the mapping is saved whole. */
    static final String ATTENTION_REASON = "attentionReason";
    static final String ATTENTION_SINCE = "attentionSince";

    private EventMappingItems() {
    }

    static Map<String, AttributeValue> toItem(String merchantId, EventMapping mapping) {
        var item = new HashMap<>(Keys.merchantItem(merchantId, Keys.mapping(mapping.integrationId(), mapping.mappingId())));
        item.put("integrationId", s(mapping.integrationId()));
        item.put("mappingId", s(mapping.mappingId()));
        item.put("topic", s(mapping.topic()));
        putIfPresent(item, "templateId", mapping.templateId());
        putIfPresent(item, "eventName", mapping.eventName());
        putIfPresent(item, "language", mapping.language());
        putIfPresent(item, "templateType", mapping.templateType());
        putIfPresent(item, "mediaHeaderUrl", mapping.mediaHeaderUrl());
        item.put("variables", AttributeValue.fromL(mapping.variables().stream().map(v -> {
            var variable = new HashMap<String, AttributeValue>();
            variable.put("property", s(v.property()));
            putIfPresent(variable, "fallback", v.fallback());
            return AttributeValue.fromM(variable);
        }).toList()));
        item.put("forwardAll", bool(mapping.forwarded().all()));
        item.put("forwardNames", strings(mapping.forwarded().names()));
        if (mapping.attention() != null) {
            item.put(ATTENTION_REASON, s(mapping.attention().reason()));
            item.put(ATTENTION_SINCE, AttributeValue.fromN(Long.toString(mapping.attention().since().toEpochMilli())));
        }
        return item;
    }

    static EventMapping fromItem(Map<String, AttributeValue> item) {
        List<TemplateVariable> variables = item.containsKey("variables")
                ? item.get("variables").l().stream()
                        .map(v -> new TemplateVariable(string(v.m(), "property"), string(v.m(), "fallback")))
                        .toList()
                : List.of();
        ForwardedProperties forwarded = bool(item, "forwardAll", false)
                ? ForwardedProperties.ALL
                : ForwardedProperties.only(strings(item, "forwardNames"));
        return new EventMapping(string(item, "integrationId"), string(item, "mappingId"), string(item, "topic"),
                string(item, "templateId"), string(item, "eventName"), variables, string(item, "language"), forwarded,
                string(item, "templateType"), string(item, "mediaHeaderUrl"),
                item.containsKey(ATTENTION_REASON) && item.containsKey(ATTENTION_SINCE)
                        ? new EventMapping.Attention(string(item, ATTENTION_REASON),
                                java.time.Instant.ofEpochMilli(Long.parseLong(item.get(ATTENTION_SINCE).n())))
                        : null);
    }
}

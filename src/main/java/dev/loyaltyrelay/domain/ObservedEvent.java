package dev.loyaltyrelay.domain;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one authentic event shows: its topic, the names of its properties with their JSON types (nested objects' names as
 * dotted paths, to a bounded depth), and the body-HMAC scheme its signature matched, if any. No value.
 *
 * @param properties      names to the JSON types seen under each; empty when the event teaches no properties (its body
 *                        signature matched no scheme)
 * @param signatureScheme the scheme the body HMAC matched; empty when it matched none
 * @param namesLeftOut    names the event had beyond what one event may teach (too deep, too long or too many)
 */
public record ObservedEvent(String topic, Map<String, Set<JsonType>> properties, Optional<BodySignatureScheme> signatureScheme,
        int namesLeftOut) {

    /** A property's JSON type, as JSON names it. */
    public enum JsonType {
        STRING, NUMBER, BOOLEAN, NULL, OBJECT, ARRAY;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ObservedEvent {
        Objects.requireNonNull(topic, "topic");
        properties = Map.copyOf(properties);
        Objects.requireNonNull(signatureScheme, "signatureScheme");
    }
}

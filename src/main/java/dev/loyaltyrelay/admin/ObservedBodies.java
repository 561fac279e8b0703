package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.domain.ObservedEvent.JsonType;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.ObservedTopic.ObservedProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The bodies of {@link ObservedTrafficApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class ObservedBodies {

    private ObservedBodies() {
    }

    /** {@code ObservedTopicList}: every catalogue topic the merchant's authentic traffic has shown. */
    @RegisterForReflection
    record ObservedTopicList(List<ObservedTopicView> topics) {
    }

    /**
     * {@code ObservedTopic}: what the merchant's authentic events of a topic carried, names and JSON types only.
     *
     * @param events       authentic events counted (their body signature matched a scheme)
     * @param namesNotKept names counted but not kept: past the cap of names per topic, deeper than the depth learned, or
     *                     longer than a name may be
     */
    @RegisterForReflection
    record ObservedTopicView(String topic, long events, String lastSeenAt, long namesNotKept, List<ObservedPropertyView> properties) {

        static ObservedTopicView of(String topic, ObservedTopic observed, java.util.function.Predicate<String> inCatalogue) {
            if (observed == null) {
                return new ObservedTopicView(topic, 0, null, 0, List.of());
            }
            return new ObservedTopicView(topic, observed.events(), Fields.timestamp(observed.lastSeen()), observed.namesNotKept(),
                    observed.properties().stream().map(p -> ObservedPropertyView.of(p, inCatalogue.test(p.name()))).toList());
        }
    }

    /**
     * One property name: its JSON types, in how many events it was seen, when last, how many of the topic's events came
     * after the one it was last seen in, and whether the catalogue lists it.
     */
    @RegisterForReflection
    record ObservedPropertyView(String name, List<String> types, long seenInEvents, String lastSeenAt, long eventsSince,
            boolean inCatalogue) {

        static ObservedPropertyView of(ObservedProperty property, boolean inCatalogue) {
            return new ObservedPropertyView(property.name(), property.types().stream().map(JsonType::wireName).toList(), property.seen(),
                    Fields.timestamp(property.lastSeen()), property.eventsSince(), inCatalogue);
        }
    }
}

package dev.loyaltyrelay.application.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.ObservedEvent;
import dev.loyaltyrelay.domain.ObservedEvent.JsonType;
import dev.loyaltyrelay.domain.TrafficObservations;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Learns, from each authentic event of a catalogue topic, the names and JSON types of its properties and which body-HMAC
 * scheme its signature matched ({@link TrafficObservations}), never a value. Best effort and off the answer's path: the
 * write runs on a virtual thread beside the claim and the fan-out, and the answer waits for it at most {@link #WAIT}, so a
 * slow or failing store neither delays nor fails Nector's answer. Only an event whose body HMAC matched a scheme teaches
 * properties; one that matched none only counts the mismatch.
 */
final class TrafficLearning {

    private static final Logger LOG = Logger.getLogger(TrafficLearning.class);
    /** Nested objects' names are learned as dotted paths to this depth ({@code a.b.c}); deeper ones are counted, not kept. */
    static final int MAX_DEPTH = 3;
    /** A longer name (dotted path) is counted, not kept: names are labels, and a long one is likely data used as a key. */
    static final int MAX_NAME_LENGTH = 100;
    /**
     * What a property name looks like: a label of letters, digits, {@code _} and {@code -}, starting with a letter or
     * {@code _}. A key outside it (an email, a phone number, an order id used as a key) is data, not a name: it is
     * counted, never kept, so no address is stored as a "name" the admin API shows and no erasure reaches.
     */
    static final java.util.regex.Pattern NAME_PART = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    /** One event teaches at most this many names, the per-topic cap. */
    static final int MAX_NAMES_PER_EVENT = TrafficObservations.MAX_NAMES_PER_TOPIC;
    /** How long the answer waits for the write once everything else is done; the claim and fan-out usually take longer. */
    static final Duration WAIT = Duration.ofMillis(300);

    /** A write in flight, awaited briefly before the answer. */
    interface Lesson {
        Lesson NONE = () -> { };

        void awaitBriefly();
    }

    private final TrafficObservations observations;
    private final IngestCounters counters;

    TrafficLearning(TrafficObservations observations, IngestCounters counters) {
        this.observations = observations;
        this.counters = counters;
    }

    Lesson start(String merchantId, String topic, JsonNode body, Optional<BodySignatureScheme> scheme, Instant now) {
        ObservedEvent event;
        try {
            event = observe(topic, body, scheme);
        } catch (RuntimeException e) {
            counters.observationNotRecorded();
            return Lesson.NONE;
        }
        Thread writer = Thread.ofVirtual().name("traffic-learning").start(() -> {
            try {
                observations.record(merchantId, event, now);
            } catch (RuntimeException e) {
                // Unreachable or refused: the event goes on without it; the counter shows how often.
                counters.observationNotRecorded();
                LOG.warnf("ingest: traffic observation not recorded for merchant %s, topic %s: %s", merchantId, topic,
                        e.getClass().getSimpleName());
            }
        });
        return () -> {
            try {
                writer.join(WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** What the event shows: its names and types if its signature matched a scheme, else only that it matched none. */
    static ObservedEvent observe(String topic, JsonNode body, Optional<BodySignatureScheme> scheme) {
        if (scheme.isEmpty()) {
            return new ObservedEvent(topic, Map.of(), scheme, 0);
        }
        Map<String, Set<JsonType>> names = new LinkedHashMap<>();
        int[] leftOut = {0};
        walk("", body, 1, names, leftOut);
        return new ObservedEvent(topic, names, scheme, leftOut[0]);
    }

    private static void walk(String prefix, JsonNode object, int depth, Map<String, Set<JsonType>> names, int[] leftOut) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (!NAME_PART.matcher(field.getKey()).matches() || name.length() > MAX_NAME_LENGTH
                    || (names.size() >= MAX_NAMES_PER_EVENT && !names.containsKey(name))) {
                leftOut[0]++;
                continue;
            }
            JsonNode value = field.getValue();
            names.computeIfAbsent(name, n -> EnumSet.noneOf(JsonType.class)).add(type(value));
            if (value.isObject()) {
                if (depth < MAX_DEPTH) {
                    walk(name, value, depth + 1, names, leftOut);
                } else {
                    leftOut[0] += value.size();
                }
            }
        }
    }

    private static JsonType type(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> JsonType.STRING;
            case NUMBER -> JsonType.NUMBER;
            case BOOLEAN -> JsonType.BOOLEAN;
            case OBJECT, POJO -> JsonType.OBJECT;
            case ARRAY -> JsonType.ARRAY;
            case NULL, MISSING, BINARY -> JsonType.NULL;
        };
    }
}

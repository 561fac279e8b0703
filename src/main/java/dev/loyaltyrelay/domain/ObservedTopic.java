package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a merchant's authentic events of one topic have shown.
 *
 * @param events            authentic events of the topic counted
 * @param lastSeen          when the latest was received
 * @param properties        each property name kept, by name
 * @param namesNotKept      names not kept: beyond {@link TrafficObservations#MAX_NAMES_PER_TOPIC}, or left out of an event
 * @param signatureMatches  authentic events whose body HMAC matched, by scheme
 * @param signatureMismatch authentic events (secret hash right) whose body HMAC matched no scheme
 */
public record ObservedTopic(String topic, long events, Instant lastSeen, List<ObservedProperty> properties, long namesNotKept,
        Map<BodySignatureScheme, SchemeMatches> signatureMatches, long signatureMismatch) {

    /**
     * One property name.
     *
     * @param types       the JSON types it was seen with
     * @param seen        in how many of the topic's events
     * @param lastSeen    when last seen
     * @param eventsSince how many of the topic's events came after the one it was last seen in (0: in the latest)
     */
    public record ObservedProperty(String name, List<ObservedEvent.JsonType> types, long seen, Instant lastSeen, long eventsSince) {
    }

    /** How often a scheme matched, first and last. */
    public record SchemeMatches(long events, Instant first, Instant last) {
    }

    public ObservedTopic {
        properties = List.copyOf(properties);
        signatureMatches = Map.copyOf(signatureMatches);
    }

    /** Whether {@code name} was seen in one of the topic's latest {@code window} events (all of them, when fewer). */
    public boolean seenWithin(String name, int window) {
        long span = Math.min(window, events);
        return properties.stream().anyMatch(p -> p.name().equals(name) && p.eventsSince() < span);
    }

    /** The names seen in the topic's latest {@code window} events, in name order. */
    public List<String> namesSeenWithin(int window) {
        return properties.stream().map(ObservedProperty::name).filter(name -> seenWithin(name, window)).sorted().toList();
    }

    /**
     * The {@code count} names seen in the latest {@code window} events closest to {@code name}: fewest single-character edits
     * (case ignored), then name order. A guide for a misspelt or guessed name, not a judgement that one is meant.
     */
    public List<String> closestTo(String name, int window, int count) {
        String wanted = name.toLowerCase(java.util.Locale.ROOT);
        return namesSeenWithin(window).stream()
                .sorted(java.util.Comparator.<String>comparingInt(seen -> editDistance(wanted, seen.toLowerCase(java.util.Locale.ROOT)))
                        .thenComparing(java.util.Comparator.naturalOrder()))
                .limit(count).toList();
    }

    /** Levenshtein distance, two rows at a time (names are at most 100 characters, so this is cheap). */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

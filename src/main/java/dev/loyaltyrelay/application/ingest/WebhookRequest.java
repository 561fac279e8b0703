package dev.loyaltyrelay.application.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A webhook as ingest sees it, whatever carried it: the merchant in the path, headers by lower-case name
 * (repeated headers comma-joined, as API Gateway's payload v2 delivers them), and the body's exact bytes.
 */
public record WebhookRequest(String merchantId, Map<String, String> headers, byte[] body) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The value of a header that must occur once. A repeated header whose copies agree is read as one value;
     * copies that disagree are refused, since either could be the forged one.
     *
     * @throws AmbiguousHeader when repeated copies differ
     */
    public Optional<String> single(String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        // -1 keeps empty copies: a value of only commas splits into empty strings, not into no copies at all.
        String[] copies = value.split(",", -1);
        String first = copies[0].trim();
        for (String copy : copies) {
            if (!copy.trim().equals(first)) {
                throw new AmbiguousHeader(name);
            }
        }
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    /** A header repeated with different values. */
    public static final class AmbiguousHeader extends RuntimeException {
        private final String header;

        AmbiguousHeader(String header) {
            super("header " + header + " is repeated with different values");
            this.header = header;
        }

        public String header() {
            return header;
        }
    }
}

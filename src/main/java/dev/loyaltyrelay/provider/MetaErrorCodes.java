package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected.Needs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Meta (WhatsApp Cloud API and Graph API) error codes the relay classifies, one row each: whether the send is tried
 * again, given up, or is the recipient's opt-out, and which part of the merchant's configuration the code points at.
 * README's table under *Classifies* is this table; {@code ProviderAdaptersTest} sends every row through every WhatsApp
 * provider's adapter. A code not here decides nothing: the HTTP status does.
 */
public final class MetaErrorCodes {

    /** What the code means for the send. */
    public enum Kind {
        /** Worth trying again later. */
        RETRY,
        /** Will not succeed as it stands. */
        PERMANENT,
        /** The recipient stopped the business's marketing messages: recorded as their opt-out. */
        OPTED_OUT
    }

    /**
     * @param leastWait the shortest wait before trying again that the code asks for, when it asks for one
     */
    public record Row(int code, Kind kind, Needs needs, Optional<Duration> leastWait, String meaning) {
        /** The reason code a delivery records: {@code recipient_opted_out} for an opt-out, else {@code meta_<code>}. */
        public String reason() {
            return kind == Kind.OPTED_OUT ? Rejected.RECIPIENT_OPTED_OUT : "meta_" + code;
        }
    }

    /**
     * Meta asks for a day before a message it held back "to maintain a healthy ecosystem" is sent again; sooner is
     * held back again.
     */
    static final Duration ECOSYSTEM_WAIT = Duration.ofHours(24);

    private static final Map<Integer, Row> ROWS = Stream.of(
            retry(130429, "throughput rate limit reached"),
            retry(131056, "too many messages to the same recipient (pair rate limit)"),
            retry(80007, "WhatsApp Business Account rate limit"),
            retry(132015, "template paused for low quality (Meta unpauses it)"),
            retry(131048, "spam rate limit: too many messages rejected as spam"),
            retry(131000, "something went wrong at Meta"),
            retry(131016, "Meta's service unavailable"),
            new Row(131049, Kind.RETRY, Needs.NOTHING, Optional.of(ECOSYSTEM_WAIT), "not delivered to maintain a healthy ecosystem"),
            permanent(131026, Needs.NOTHING, "message undeliverable to this recipient"),
            permanent(131047, Needs.NOTHING, "more than 24 hours since the recipient last replied"),
            permanent(131051, Needs.NOTHING, "unsupported message type"),
            permanent(132000, Needs.NOTHING, "template parameter count does not match (template send)"),
            permanent(132001, Needs.NOTHING, "template does not exist in this language"),
            permanent(132005, Needs.NOTHING, "translated text too long"),
            permanent(132016, Needs.MAPPING, "template paused too many times: permanently disabled"),
            permanent(132007, Needs.MAPPING, "template format violates a policy"),
            permanent(132012, Needs.MAPPING, "template parameter format does not match"),
            permanent(131008, Needs.MAPPING, "a required parameter is missing"),
            permanent(131009, Needs.MAPPING, "a parameter value is not valid"),
            permanent(190, Needs.INTEGRATION, "access token expired or revoked"),
            permanent(10, Needs.INTEGRATION, "permission denied"),
            permanent(200, Needs.INTEGRATION, "permission not granted to the app"),
            permanent(131031, Needs.INTEGRATION, "business account locked"),
            permanent(133010, Needs.INTEGRATION, "phone number not registered"),
            permanent(368, Needs.INTEGRATION, "temporarily blocked for policy violations"),
            permanent(131042, Needs.INTEGRATION, "business eligibility payment issue"),
            new Row(131050, Kind.OPTED_OUT, Needs.NOTHING, Optional.empty(), "the recipient stopped marketing messages from the business"))
            .collect(Collectors.toUnmodifiableMap(Row::code, Function.identity()));

    private MetaErrorCodes() {
    }

    public static Optional<Row> row(int code) {
        return Optional.ofNullable(ROWS.get(code));
    }

    /** Every row, for the tests that send each one and the README that lists them. */
    public static Stream<Row> rows() {
        return ROWS.values().stream();
    }

    private static Row retry(int code, String meaning) {
        return new Row(code, Kind.RETRY, Needs.NOTHING, Optional.empty(), meaning);
    }

    private static Row permanent(int code, Needs needs, String meaning) {
        return new Row(code, Kind.PERMANENT, needs, Optional.empty(), meaning);
    }
}

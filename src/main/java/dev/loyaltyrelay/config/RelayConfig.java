package dev.loyaltyrelay.config;

import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/** Settings of every function, from {@code application.properties} and the environment ({@code RELAY_...}). */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /**
     * The deployment's stage ({@code RELAY_STAGE}, set by the template): a default dimension of every metric, so one
     * account's stages keep apart in CloudWatch. {@code local} where none is set (tests, the local run).
     */
    @WithDefault("local")
    String stage();

    /** DynamoDB table names. */
    Tables tables();

    /** Webhook ingestion. */
    Ingest ingest();

    /** The delivery functions. */
    Delivery delivery();

    /** How sealed secrets are opened. */
    Cipher cipher();

    /** The admin API. */
    Admin admin();

    /** The facts published to the merchant's systems (EventBridge). */
    Events events();

    /** Defaults for a merchant that has not chosen otherwise. */
    MerchantDefaults merchantDefaults();

    /**
     * How long a warm container uses what it derived from a merchant's configuration (opened secrets and credentials)
     * without asking whether the configuration changed: the bound on how late another function's change applies here.
     */
    @WithDefault("PT1S")
    Duration configFreshFor();

    /**
     * The deployment's public base URL ({@code https://<api>.execute-api.<region>.amazonaws.com}), from which receipt
     * URLs are made; unset, an integration's receipt URL cannot be issued or registered (the Initialize answer says so).
     */
    java.util.Optional<String> publicUrl();

    /** The longest a warm container keeps a merchant's configuration, even while its version says it is unchanged. */
    @WithDefault("PT5M")
    Duration configCacheTtl();

    interface Tables {
        /** Merchants, webhook secrets, integrations, mappings and customers. */
        String config();

        /** Idempotency claims, body fingerprints, held events and delivery records; expire through TTL. */
        String records();
    }

    interface Ingest {
        /** Larger bodies are refused with 413 before any parsing. */
        @WithDefault("262144")
        int maxBodyBytes();

        /** Deepest JSON nesting accepted; Nector's bodies are flat. */
        @WithDefault("16")
        int maxNestingDepth();

        /** Longest JSON string value accepted, in characters. */
        @WithDefault("65536")
        int maxStringLength();

        /**
         * How long a claim on a delivery id excludes others. Longer than the function's timeout, so a live
         * request never loses its claim; short enough that Nector's next retry redoes a crashed fan-out.
         */
        @WithDefault("PT30S")
        Duration claimLease();

        /**
         * How long a claim record is kept: longer than the timestamp window plus Nector's retry span, so a
         * late retry still finds it.
         */
        @WithDefault("PT48H")
        Duration claimRetention();

        /** How long a body fingerprint is kept to recognise a repeat under a new delivery id. */
        @WithDefault("PT10M")
        Duration fingerprintWindow();

        /** How long a held event is kept for replay. */
        @WithDefault("P14D")
        Duration heldRetention();

        /**
         * How long a customer learned from webhooks (name, mobile, email) is kept after Nector last told us of them
         * (their {@code expiresAt}, the config table's TTL). Refreshed by a webhook about them once half of it has passed.
         */
        @WithDefault("P400D")
        Duration customerRetention();
    }

    interface Delivery {
        /** The provider whose queue a delivery function drains ({@code RELAY_DELIVERY_PROVIDER}); the other functions have none. */
        Optional<String> provider();

        /**
         * How long a claim on a delivery excludes other functions. Longer than the delivery function's timeout
         * (30 s), so a live attempt never loses its claim; a crashed one is taken over after it.
         */
        @WithDefault("PT45S")
        Duration lease();

        /** The longest one provider call may take (fault-tolerance timeout); its outcome is then unknown. */
        @WithDefault("PT5S")
        Duration callTimeout();

        /** Provider calls one delivery may make before it is given up and dead-lettered. */
        @WithDefault("12")
        int maxAttempts();

        /**
         * Receives of one queue message after which the pipeline gives the delivery up itself (recorded
         * {@code EXHAUSTED}, dead-lettered with its reason). Below the queues' {@code maxReceiveCount} (100 in
         * template.yaml), so the pipeline's budget, not SQS, ends a delivery that keeps waiting.
         */
        @WithDefault("90")
        int maxReceives();

        /**
         * How long after ingest (or its latest reopening) a delivery may still be attempted, not counting the time it
         * was deferred by quiet hours; older ones are given up and dead-lettered.
         */
        @WithDefault("PT24H")
        Duration maxAge();

        /**
         * The most deferral time (quiet hours) not counted against {@link #maxAge()} over a delivery's life: beyond it a
         * delivery deferred day after day spends its age budget and is given up with its reason, well before its queue
         * drops the message (14 days).
         */
        @WithDefault("PT72H")
        Duration maxDeferral();

        /** First retry delay when the provider gives no {@code Retry-After}; doubled per attempt, with jitter. */
        @WithDefault("PT15S")
        Duration backoffBase();

        /** The longest backoff between two attempts. */
        @WithDefault("PT1H")
        Duration backoffCap();

        /**
         * What to do when a request may have reached the provider but no answer says whether it was accepted:
         * {@code record} (default) ends the delivery as UNKNOWN and never sends twice; {@code resend} retries
         * it and accepts a possible duplicate. Both count it.
         */
        @WithDefault("record")
        UnknownOutcomePolicy unknownOutcome();

        /** Records processed at once within one batch (virtual threads). */
        @WithDefault("10")
        int maxConcurrentSends();

        /** How long a delivery record (and its recipient) is kept for status queries. */
        @WithDefault("P30D")
        Duration recordRetention();

        /** Calls an integration's breaker looks at before it may open. */
        @WithDefault("8")
        int breakerRequestVolume();

        /** Share of those calls that must fail (5xx, timeout) to open it. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long it stays open before one trial call. */
        @WithDefault("PT30S")
        Duration breakerDelay();

        /** Pause before the one quick retry of a call whose connection could not be made. */
        @WithDefault("PT0.2S")
        Duration connectRetryDelay();
    }

    /** See {@link Delivery#unknownOutcome()}. */
    enum UnknownOutcomePolicy {
        RECORD, RESEND
    }

    interface Events {
        /**
         * The EventBridge bus the facts go to ({@code RELAY_EVENT_BUS}, the template's {@code EventBusName}); unset (tests
         * of other things, the local run) they are written to the log instead, one line each, so the local run shows them.
         */
        Optional<String> bus();

        /** Another EventBridge endpoint (tests: WireMock speaking EventBridge's JSON protocol); unset in AWS. */
        Optional<java.net.URI> endpointOverride();

        /** The region of the bus; unset in AWS, where Lambda's {@code AWS_REGION} is used. */
        Optional<String> region();

        /** How long one publish may take, its SDK retries included: a delivery waits for it. */
        @WithDefault("PT2S")
        Duration callTimeout();
    }

    interface Admin {
        /**
         * Lower-case hex SHA-256 of the operator key (the key itself is never configured anywhere). Without it
         * no operator call is accepted.
         */
        Optional<String> operatorKeySha256();
    }

    interface Cipher {
        /** {@code kms} in AWS (a data key per value under {@link #kmsKeyId()}); {@code local} elsewhere. */
        @WithDefault("local")
        String mode();

        /** The KMS key that wraps data keys, when {@code mode=kms}. */
        Optional<String> kmsKeyId();

        /** Base64 AES-256 key for {@code mode=local}; for tests and the local run only. */
        Optional<String> localKey();
    }

    /** What a merchant the admin API creates gets for each setting its first {@code PUT} leaves out. */
    interface MerchantDefaults {
        /**
         * Accepted distance of {@code x-nector-timestamp} from now. Nector retries 5 times with exponential
         * delay; even a one-minute base doubling gives 31 minutes, so 6 hours leaves a wide margin.
         */
        @WithDefault("PT6H")
        Duration timestampWindow();

        /** Region for mobile numbers without a country code. */
        @WithDefault("IN")
        String defaultCountry();

        /** The store's timezone (quiet hours, figures by day), an IANA id. */
        @WithDefault("Asia/Kolkata")
        ZoneId timezone();

        /** Whether a body HMAC mismatch is only recorded ({@code record}) or refused ({@code enforce}). */
        @WithDefault("record")
        SignaturePolicy bodySignature();

        /** Whether a body repeated under a new delivery id is counted and still delivered ({@code count}) or dropped ({@code drop}). */
        @WithDefault("count")
        RepeatPolicy repeatedBodies();
    }
}

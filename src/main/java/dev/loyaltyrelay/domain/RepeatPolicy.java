package dev.loyaltyrelay.domain;

/**
 * What ingest does with an event whose body it saw moments ago under another delivery id. Nector may or may
 * not keep the delivery id across its retries; two genuine events can also be identical (two equal rewards),
 * so the default counts such repeats and still delivers them.
 */
public enum RepeatPolicy {
    COUNT,
    DROP
}

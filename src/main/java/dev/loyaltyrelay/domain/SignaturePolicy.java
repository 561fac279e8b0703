package dev.loyaltyrelay.domain;

/**
 * What ingest does when the body HMAC does not match. Nector has not published the HMAC's exact input,
 * so the default only records and counts a mismatch; a merchant who has confirmed the scheme turns on refusal.
 */
public enum SignaturePolicy {
    RECORD,
    ENFORCE
}

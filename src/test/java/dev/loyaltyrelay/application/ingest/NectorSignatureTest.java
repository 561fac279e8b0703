package dev.loyaltyrelay.application.ingest;


import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.Hashes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NectorSignatureTest {

    static final byte[] BODY = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);
    static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Test
    void secretHash_isTheSha256HexOfTheSecret_caseInsensitive() {
        String hex = Hashes.sha256Hex("s3cret");
        assertTrue(NectorSignature.secretHashMatches(hex, Hashes.sha256(SECRET)));
        assertTrue(NectorSignature.secretHashMatches(hex.toUpperCase(), Hashes.sha256(SECRET)));
        assertFalse(NectorSignature.secretHashMatches(Hashes.sha256Hex("other"), Hashes.sha256(SECRET)));
        assertFalse(NectorSignature.secretHashMatches("s3cret", Hashes.sha256(SECRET)), "the secret itself is not its hash");
        assertFalse(NectorSignature.secretHashMatches(hex.substring(2), Hashes.sha256(SECRET)));
    }

    @Test
    void bodyHmac_acceptsHexOrBase64_ofTheAssumedScheme_only() {
        byte[] mac = NectorSignature.bodyHmac(SECRET, BODY);
        assertTrue(NectorSignature.bodyHmacMatches(HexFormat.of().formatHex(mac), SECRET, BODY));
        assertTrue(NectorSignature.bodyHmacMatches(Base64.getEncoder().encodeToString(mac), SECRET, BODY));
        assertFalse(NectorSignature.bodyHmacMatches(HexFormat.of().formatHex(mac), SECRET, "{\"amount\":1000}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(NectorSignature.bodyHmacMatches(HexFormat.of().formatHex(mac), "other".getBytes(StandardCharsets.UTF_8), BODY));
        assertFalse(NectorSignature.bodyHmacMatches("", SECRET, BODY));
        assertFalse(NectorSignature.bodyHmacMatches("not a mac", SECRET, BODY));
    }

    /**
     * Known vectors, computed apart from this code by Node.js 20 as Nector's SDK computes in JavaScript:
     * {@code crypto.createHmac('sha256', secret).update(body)} for the raw body, and
     * {@code .update(encodeURIComponent(body).split('').sort().join(''))} for the SDK's scheme.
     */
    static final String VECTOR_SECRET = "whsec-vector-0123456789";
    static final String VECTOR_ASCII = "{\"user_name\":\"Riya\",\"user_mobile\":\"+919876543210\",\"amount\":100}";
    static final String VECTOR_UNICODE = "{\"value\":\"WELCOME-10\",\"fiat_value\":\"10\",\"fiat_class\":\"percent\","
            + "\"note\":\"caf\u00e9 \u20b9 100% off!*()~'\"}";

    @Test
    void bothCandidateSchemes_areRecognisedOnKnownVectors_eachByItsOwnMac() {
        assertVector(VECTOR_ASCII, "8380550abcaf5a76b031157698096565768e932311b7eb8517fb5e7e7148d006",
                "e883665260375f567159178164dfd3c7e395116a32d930c91f4d9e82fbe39996");
        assertVector(VECTOR_UNICODE, "08ee09f15f3cf95bd4c2d3360fe3c86b3a5cabd6831b76a79038dc4c8ab31199",
                "f17bf3fbb1a4a15aa20b6cf0f42fb88536209f0e9ddeb3bc73eabf97eb84217a");
    }

    @Test
    void theSdkSchemesInput_isTheSortedCharactersOfEncodeUriComponent_asNodeWritesIt() {
        assertEquals("%%%%%%%%%%%%%%%%%%0001112222222222222222222222223333456777899AAABBCCDR__aaabeeeeiilmmmnnoorrsstuuuy",
                new String(NectorSignature.sortedUrlEncoded(VECTOR_ASCII.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII));
        assertEquals("!%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%'()*-00000001112222222222222222222222222222222222222222233333577899AAAAABBCCCCCDEEELMOW"
                + "__aaaaaaccceeeeefffffiilllnnooprssttttuuvv~",
                new String(NectorSignature.sortedUrlEncoded(VECTOR_UNICODE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII));
    }

    @Test
    void theSdkScheme_provesTheSecretButNotTheOrder_soAnAnagramOfTheBodyMatchesToo() {
        byte[] secret = VECTOR_SECRET.getBytes(StandardCharsets.UTF_8);
        String mac = NectorSignature.hexHmac(BodySignatureScheme.SORTED_URLENCODED, VECTOR_SECRET, "{\"amount\":190}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED),
                NectorSignature.matchingScheme(mac, secret, "{\"amount\":910}".getBytes(StandardCharsets.UTF_8)),
                "why enforcement accepts only the scheme a merchant's traffic matched: this one cannot tell 190 from 910");
        assertEquals(Optional.empty(), NectorSignature.matchingScheme(mac, "other-secret".getBytes(StandardCharsets.UTF_8),
                "{\"amount\":190}".getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertVector(String body, String rawBodyMac, String sortedMac) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] secret = VECTOR_SECRET.getBytes(StandardCharsets.UTF_8);
        assertEquals(rawBodyMac, NectorSignature.hexHmac(BodySignatureScheme.RAW_BODY, VECTOR_SECRET, bytes));
        assertEquals(sortedMac, NectorSignature.hexHmac(BodySignatureScheme.SORTED_URLENCODED, VECTOR_SECRET, bytes));
        assertEquals(Optional.of(BodySignatureScheme.RAW_BODY), NectorSignature.matchingScheme(rawBodyMac, secret, bytes));
        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED), NectorSignature.matchingScheme(sortedMac, secret, bytes));
        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED),
                NectorSignature.matchingScheme(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sortedMac)), secret, bytes));
        assertEquals(Optional.empty(), NectorSignature.matchingScheme(sortedMac, secret, (body + " ").getBytes(StandardCharsets.UTF_8)));
        // Whichever scheme is tried first, the one that matches is the answer.
        for (BodySignatureScheme likeliest : BodySignatureScheme.values()) {
            assertEquals(Optional.of(BodySignatureScheme.RAW_BODY), NectorSignature.matchingScheme(rawBodyMac, secret, bytes, likeliest));
            assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED), NectorSignature.matchingScheme(sortedMac, secret, bytes, likeliest));
            assertEquals(Optional.empty(), NectorSignature.matchingScheme(sortedMac, "other".getBytes(StandardCharsets.UTF_8), bytes, likeliest));
        }
    }

    @Test
    void timestamps_areUnixSeconds_orMilliseconds_andNothingElse() {
        assertTrue(NectorSignature.parseTimestamp("1795000000").orElseThrow().getEpochSecond() == 1_795_000_000L);
        assertTrue(NectorSignature.parseTimestamp("1795000000000").orElseThrow().getEpochSecond() == 1_795_000_000L);
        assertTrue(NectorSignature.parseTimestamp("-5").isEmpty());
        assertTrue(NectorSignature.parseTimestamp("2026-11-18T10:00:00Z").isEmpty());
        assertTrue(NectorSignature.parseTimestamp("99999999999999999999999").isEmpty());
    }
}

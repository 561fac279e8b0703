package dev.loyaltyrelay.application.ingest;


import dev.loyaltyrelay.domain.Hashes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
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

    @Test
    void timestamps_areUnixSeconds_orMilliseconds_andNothingElse() {
        assertTrue(NectorSignature.parseTimestamp("1795000000").orElseThrow().getEpochSecond() == 1_795_000_000L);
        assertTrue(NectorSignature.parseTimestamp("1795000000000").orElseThrow().getEpochSecond() == 1_795_000_000L);
        assertTrue(NectorSignature.parseTimestamp("-5").isEmpty());
        assertTrue(NectorSignature.parseTimestamp("2026-11-18T10:00:00Z").isEmpty());
        assertTrue(NectorSignature.parseTimestamp("99999999999999999999999").isEmpty());
    }
}

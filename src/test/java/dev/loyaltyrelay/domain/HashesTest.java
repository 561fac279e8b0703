package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known vectors (FIPS 180-2, RFC 4231), and the framed form pinned: ids and keys derived from it are stored. */
class HashesTest {

    @Test
    void sha256_ofKnownVectors_isLowerCaseHex_ofTheUtf8Bytes() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashes.sha256Hex("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hashes.sha256Hex(new byte[0]));
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", Hashes.sha256Hex("é"));
        assertArrayEquals(HexFormat.of().parseHex(Hashes.sha256Hex("abc")), Hashes.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(Hashes.sha256("abc".getBytes(StandardCharsets.UTF_8)), Hashes.sha256("abc"));
    }

    @Test
    void theFramedForm_prefixesEachPartWithItsLength_soPartsCannotShift_andOnePartIsNotThePlainHash() {
        assertEquals(Hashes.sha256Hex("3:abc"), Hashes.sha256HexOfParts("abc"));
        assertNotEquals(Hashes.sha256Hex("abc"), Hashes.sha256HexOfParts("abc"));
        assertEquals("430fb1b4ac43316eca81fab27a1930ab8eff8fef6a1dc7903dce44bbc2790dc5", Hashes.sha256HexOfParts("ab", "c"));
        assertNotEquals(Hashes.sha256HexOfParts("ab", "c"), Hashes.sha256HexOfParts("a", "bc"));
        assertEquals("dlv_cfe5c5836fcddaa9d8dacd5e979a83bb", DeliveryIds.derive("m1", "n-1", "zoko-1", "wallet"), "ids already queued keep theirs");
    }

    @Test
    void hmacSha256_ofRfc4231TestCase2() {
        byte[] mac = Hashes.hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HexFormat.of().formatHex(mac));
    }
}

package dev.loyaltyrelay.application.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.BodySignatureScheme;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 14, the body-HMAC candidates. Under SORTED_URLENCODED the MAC covers the multiset of the body's
 * characters, not the body: once enforcement is switched to it, anyone holding one authentic event (and the static
 * secret-hash header) can rearrange its characters into another event that verifies.
 */
class Review14SignatureTest {

    @Test
    void underTheSortedScheme_aRearrangedBody_isNotAccepted() {
        String secret = "whsec_merchant";
        byte[] authentic = "{\"id\":\"evt_1\",\"topic\":\"walletreward_create\",\"data\":{\"mobile\":\"+919876543210\",\"amount\":100}}"
                .getBytes(StandardCharsets.UTF_8);
        // The same characters: another recipient's number, and 1 coin instead of 100.
        byte[] forged = "{\"id\":\"evt_1\",\"topic\":\"walletreward_create\",\"data\":{\"mobile\":\"+910123456789\",\"amount\":001}}"
                .getBytes(StandardCharsets.UTF_8);
        String header = NectorSignature.hexHmac(BodySignatureScheme.SORTED_URLENCODED, secret, authentic);

        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED),
                NectorSignature.matchingScheme(header, secret.getBytes(StandardCharsets.UTF_8), authentic));
        assertEquals(Optional.empty(), NectorSignature.matchingScheme(header, secret.getBytes(StandardCharsets.UTF_8), forged),
                "a body with the same characters in another order verifies");
    }
}

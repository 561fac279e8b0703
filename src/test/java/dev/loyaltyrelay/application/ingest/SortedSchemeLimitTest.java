package dev.loyaltyrelay.application.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.BodySignatureScheme;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What README says of the sorted scheme (found in review of issue 14): its MAC covers the multiset of the body's
 * characters, not the body, so a rearranged body verifies under it (Nector's scheme, if it is Nector's, cannot tell
 * them apart); the raw-body scheme can. The settings' {@code bodySignatureScheme} says which one a merchant's traffic
 * matched; enforcing the sorted one guards the secret, not the body.
 */
class SortedSchemeLimitTest {

    @Test
    void theSortedScheme_cannotTellABodyFromItsAnagrams_theRawSchemeCan() {
        String secret = "whsec_merchant";
        byte[] authentic = "{\"id\":\"evt_1\",\"topic\":\"walletreward_create\",\"data\":{\"mobile\":\"+919876543210\",\"amount\":100}}"
                .getBytes(StandardCharsets.UTF_8);
        // The same characters: another recipient's number, and 1 coin instead of 100.
        byte[] forged = "{\"id\":\"evt_1\",\"topic\":\"walletreward_create\",\"data\":{\"mobile\":\"+910123456789\",\"amount\":001}}"
                .getBytes(StandardCharsets.UTF_8);
        String header = NectorSignature.hexHmac(BodySignatureScheme.SORTED_URLENCODED, secret, authentic);

        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED),
                NectorSignature.matchingScheme(header, secret.getBytes(StandardCharsets.UTF_8), authentic));
        assertEquals(Optional.of(BodySignatureScheme.SORTED_URLENCODED),
                NectorSignature.matchingScheme(header, secret.getBytes(StandardCharsets.UTF_8), forged), "the known limit of the sorted scheme");
        String raw = NectorSignature.hexHmac(BodySignatureScheme.RAW_BODY, secret, authentic);
        assertEquals(Optional.of(BodySignatureScheme.RAW_BODY), NectorSignature.matchingScheme(raw, secret.getBytes(StandardCharsets.UTF_8), authentic));
        assertEquals(Optional.empty(), NectorSignature.matchingScheme(raw, secret.getBytes(StandardCharsets.UTF_8), forged),
                "the raw-body scheme refuses the rearranged body");
    }
}

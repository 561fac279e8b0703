package dev.loyaltyrelay.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.RecipientResolver;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Independent review of issue 16 (24f3cd4): RecipientResolver.mobileToE164 remembers up to 4,096 answers in a static
 * map shared by every merchant of a warm ingest container. The bound counts entries, not bytes, and the key is the
 * event's whole "mobile" text, unbounded on the ingest path (bodies up to 256 KB): one merchant's events with long,
 * distinct "mobile" values (each answered recipient_invalid) pin 4,096 x up to 512 KB (UTF-16) in the container's heap
 * (512 MB by default): every merchant's webhooks on it fail or crawl through GC.
 */
/** REVIEW NOTE: this test PASSED when run (no defect proven); kept as evidence. */
class RecipientMemoReviewTest {

    @Test
    void textsNoPhoneNumberCanBe_areNotRememberedByTheNumberMemo() throws Exception {
        String filler = "\u20ac".repeat(32 * 1024); // 32 K chars, non-Latin-1: 64 KB each as a String
        for (int i = 0; i < 200; i++) {
            var resolution = RecipientResolver.resolve(CommonProperty.MOBILE, Map.of("mobile", "+91 98765 " + i + " " + filler), "IN");
            assertEquals(RecipientResolver.Unresolved.class, resolution.getClass(), "a 32 K-char 'mobile' is nobody's number");
        }
        var field = RecipientResolver.class.getDeclaredField("RECENT_NUMBERS");
        field.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Optional<String>> memo = (Map<String, Optional<String>>) field.get(null);
        long retainedChars = memo.keySet().stream().mapToLong(String::length).sum();
        // A real number is at most 250 characters of input (libphonenumber's own limit): 4,096 of them are ~1 M chars.
        assertTrue(retainedChars < 250L * 200, "the number memo holds " + retainedChars + " chars (~" + (retainedChars * 2 >> 20)
                + " MB) of 200 invalid 'mobile' texts after 200 events; bounded by 4,096 entries only, the same traffic pins ~"
                + (retainedChars * 2 / 200 * 4096 >> 20) + " MB in a warm ingest container");
    }
}

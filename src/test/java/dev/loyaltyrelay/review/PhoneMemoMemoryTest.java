package dev.loyaltyrelay.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.RecipientResolver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 16 (24f3cd4): RecipientResolver's memory of recent numbers is bounded by its count (4,096), not by
 * its size, and its key holds the event's raw "mobile" text. Ingest accepts a string property of up to 65,536
 * characters (relay.ingest.max-string-length), so 4,096 events whose mobile is a long junk text keep up to
 * 4,096 x 64K characters alive in a warm container: more than the ingest function's whole heap (512 MB function,
 * about 435 MB of heap as Lambda sizes it).
 */
class PhoneMemoMemoryTest {

    /** Long non-Latin-1 texts (two bytes per character), each distinct, as ingest's resolve() receives them. */
    public static void main(String[] args) {
        int events = Integer.parseInt(args[0]);
        char[] chars = new char[65_536];
        java.util.Arrays.fill(chars, '\u0669');
        for (int i = 0; i < events; i++) {
            String id = Integer.toString(i);
            id.getChars(0, id.length(), chars, 0);
            var resolution = RecipientResolver.resolve(CommonProperty.MOBILE, Map.of("user_mobile", new String(chars)), "IN");
            if (!(resolution instanceof RecipientResolver.Unresolved)) {
                throw new AssertionError("a 64K text resolved to a number");
            }
        }
        System.out.println("SURVIVED " + events);
    }

    @Test
    void aWarmIngestContainer_survivesAsManyEventsWithLongJunkMobilesAsTheMemoRemembers_inTheFunctionsHeap() throws Exception {
        // The event property the resolver reads, as CommonProperty.MOBILE names it.
        assertEquals("user_mobile", CommonProperty.MOBILE.eventProperty());
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // -Xmx435m: 85% of the template's IngestMemorySize (512 MB), as Lambda's java21 runtime sizes the heap.
        Process child = new ProcessBuilder(java, "-Xmx435m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                PhoneMemoMemoryTest.class.getName(), "4095").redirectErrorStream(true).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("SURVIVED 4095"),
                "4,095 events with a distinct 64K-character mobile (all refused as recipient_invalid) must not exhaust the ingest heap; "
                        + "the number memo kept every raw text as its key. Child JVM said: "
                        + output.lines().limit(3).reduce("", (a, b) -> a + " | " + b));
    }
}

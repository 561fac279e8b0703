package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Review 15b. docs/runbook.md's claims checked against what the code and template.yaml do.
 */
class RunbookClaimsMatchCodeTest {

    /**
     * "Look up what happened to a webhook": the runbook lists the outcomes `scripts/relay event` answers. Each must be one
     * WebhookLookupApi can answer (it answers queued, duplicate, held, in_progress; an ignored webhook is never recorded
     * and is a 404, as its own javadoc says).
     */
    @Test
    void theWebhookLookupOutcomesTheRunbookNames_areTheOnesTheApiAnswers() throws Exception {
        String runbook = Files.readString(Path.of("docs/runbook.md")).replaceAll("\\s+", " ");
        Matcher claim = Pattern.compile("its outcome \\(([^)]*)\\)").matcher(runbook);
        assertTrue(claim.find(), "the runbook's lookup section");
        var named = new TreeSet<String>();
        for (String part : claim.group(1).split(",")) {
            named.add(part.trim().split(" ")[0]);
        }
        String api = Files.readString(Path.of("src/main/java/dev/loyaltyrelay/admin/WebhookLookupApi.java"));
        var answered = new TreeSet<String>();
        Matcher outcome = Pattern.compile("new WebhookLookup\\(nectorDeliveryId, \"([a-z_]+)\"").matcher(api);
        while (outcome.find()) {
            answered.add(outcome.group(1));
        }
        assertEquals(answered, named, "docs/runbook.md: the outcomes `scripts/relay event` shows");
    }

    /**
     * "Read the dashboard": the delivery rate is the stage's, every provider together: CloudWatch metric math cannot divide
     * one SEARCH's series by another's provider by provider, so the widget sums each and divides the sums; the runbook must
     * not promise a rate per provider.
     */
    @Test
    void theDashboardsDeliveryRate_isTheStagesAllProvidersTogether_asTheRunbookSays() throws Exception {
        String runbook = Files.readString(Path.of("docs/runbook.md"));
        assertTrue(runbook.contains("**Delivery rate**: sent / (sent + failed + unknown) of all providers together"), "the runbook's claim");
        String template = Files.readString(Path.of("template.yaml"));
        String widget = Arrays.stream(template.split("\n")).filter(line -> line.contains("\"title\":\"Delivery rate")).findFirst().orElseThrow();
        assertEquals(2, Pattern.compile("SUM\\(SEARCH\\(").matcher(widget).results().count(), "sent and failed, each summed over providers: " + widget);
    }
}

package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.local.TemplateExpander;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every alarm of template.yaml tells what to do through a link to a section of docs/runbook.md that exists. */
class RunbookTest {

    static final Pattern RUNBOOK_LINK = Pattern.compile("docs/runbook\\.md#([a-z0-9-]+)");

    @Test
    @SuppressWarnings("unchecked")
    void everyAlarm_linksToARunbookSection_andEveryAlarmSectionIsLinked() throws Exception {
        Map<String, Object> resources = (Map<String, Object>) TemplateExpander.read(Path.of("template.yaml")).get("Resources");
        Set<String> anchors = headingAnchors();
        Set<String> linked = new TreeSet<>();
        int alarms = 0;
        for (var resource : resources.entrySet()) {
            Map<String, Object> body = (Map<String, Object>) resource.getValue();
            if (!"AWS::CloudWatch::Alarm".equals(body.get("Type"))) {
                continue;
            }
            alarms++;
            String description = String.valueOf(((Map<String, Object>) body.get("Properties")).get("AlarmDescription"));
            Matcher link = RUNBOOK_LINK.matcher(description);
            assertTrue(link.find(), resource.getKey() + " has no runbook link: " + description);
            assertTrue(anchors.contains(link.group(1)), resource.getKey() + " links to #" + link.group(1) + ", which is no heading of docs/runbook.md");
            linked.add(link.group(1));
        }
        assertTrue(alarms > 0, "template.yaml has no alarm");
        Set<String> alarmSections = alarmSectionAnchors();
        assertFalse(alarmSections.isEmpty());
        alarmSections.removeAll(linked);
        assertEquals(Set.of(), alarmSections, "runbook sections under Alarms that no alarm links to");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    static Set<String> headingAnchors() throws Exception {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("docs/runbook.md"))) {
            if (line.startsWith("#")) {
                anchors.add(anchor(line.replaceFirst("^#+", "")));
            }
        }
        return anchors;
    }

    static Set<String> alarmSectionAnchors() throws Exception {
        Set<String> anchors = new TreeSet<>();
        boolean underAlarms = false;
        for (String line : Files.readAllLines(Path.of("docs/runbook.md"))) {
            if (line.startsWith("## ")) {
                underAlarms = line.equals("## Alarms");
            } else if (underAlarms && line.startsWith("### ")) {
                anchors.add(anchor(line.substring(4)));
            }
        }
        return anchors;
    }
}

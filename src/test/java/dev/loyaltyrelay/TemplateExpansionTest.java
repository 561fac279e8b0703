package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loyaltyrelay.local.TemplateExpander;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * template.yaml as CloudFormation deploys it, in full: {@link TemplateExpander}'s expansion (the loops unrolled, the
 * mappings looked up) against {@code src/test/resources/template-expanded.json}, the reviewed expansion. The snapshot
 * was first taken from the template before it had any loop, so it holds every logical id, environment variable and
 * IAM statement of the per-provider blocks as they were written out by hand; a change of what is deployed shows as a
 * diff of that file. A {@code Fn::Sub} whose variables are all literal (as {@code !Sub ['...${Key}', {Key: zoko}]}
 * expands) is compared as the string it renders ({@code !Sub '...zoko'}).
 */
class TemplateExpansionTest {

    static final Path SNAPSHOT = Path.of("src/test/resources/template-expanded.json");
    static final Path ACTUAL = Path.of("target/template-expanded.json");
    static final List<String> SECTIONS = List.of("Parameters", "Conditions", "Globals", "Resources", "Outputs");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @Test
    void theExpandedTemplate_isTheReviewedSnapshot() throws IOException {
        Map<String, Object> expanded = TemplateExpander.read(Path.of("template.yaml"));
        var deployed = new LinkedHashMap<String, Object>();
        SECTIONS.stream().filter(expanded::containsKey).forEach(section -> deployed.put(section, rendered(expanded.get(section))));
        Files.createDirectories(ACTUAL.getParent());
        Files.writeString(ACTUAL, JSON.writeValueAsString(deployed) + "\n");

        JsonNode actual = JSON.readTree(ACTUAL.toFile());
        JsonNode expected = JSON.readTree(SNAPSHOT.toFile());
        assertTrue(expected.equals(actual), () -> "template.yaml expands to other resources than " + SNAPSHOT + " (" + differences(expected, actual)
                + "); if that is the change you mean: cp " + ACTUAL + " " + SNAPSHOT + " and review its diff");
    }

    /** {@code Fn::Sub [s, {K: literal}]} as {@code Fn::Sub s'} (s with each ${K} rendered), and a {@code Fn::Sub} without {@code ${} as its string. */
    static Object rendered(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(TemplateExpansionTest::rendered).toList();
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        var result = new LinkedHashMap<String, Object>();
        map.forEach((key, entry) -> result.put((String) key, rendered(entry)));
        if (result.size() == 1 && result.get("Fn::Sub") instanceof List<?> sub && sub.size() == 2 && sub.get(0) instanceof String text
                && sub.get(1) instanceof Map<?, ?> variables && variables.values().stream().allMatch(v -> v instanceof String)) {
            for (Map.Entry<?, ?> variable : variables.entrySet()) {
                text = text.replace("${" + variable.getKey() + "}", (String) variable.getValue());
            }
            return text.contains("${") ? Map.of("Fn::Sub", text) : text;
        }
        return result;
    }

    /** The sections' entries (a resource, an output, ...) that differ, by name. */
    static String differences(JsonNode expected, JsonNode actual) {
        var names = new TreeSet<String>();
        for (String section : SECTIONS) {
            JsonNode before = expected.path(section);
            JsonNode after = actual.path(section);
            var keys = new ArrayList<String>();
            before.fieldNames().forEachRemaining(keys::add);
            after.fieldNames().forEachRemaining(keys::add);
            keys.stream().filter(k -> !before.path(k).equals(after.path(k))).forEach(k -> names.add(section + "." + k));
        }
        return names.isEmpty() ? "other sections" : String.join(", ", names);
    }
}

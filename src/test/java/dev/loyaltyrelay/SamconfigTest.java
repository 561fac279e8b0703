package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.local.TemplateExpander;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * samconfig.toml's stages agree with template.yaml: every parameter a stage sets exists and takes the value it gives, the
 * stages deploy to stacks of their own, and each runs the build CI actually builds and tests.
 */
class SamconfigTest {

    static final List<String> STAGES = List.of("dev", "staging", "prod");
    static final Pattern SETTING = Pattern.compile("^(\\w+) = (.+)$");

    final Map<String, Object> template = TemplateExpander.read(Path.of("template.yaml"));

    @Test
    @SuppressWarnings("unchecked")
    void everyStageParameter_isATemplateParameter_andAValueTheTemplateAccepts() throws Exception {
        Map<String, Object> parameters = (Map<String, Object>) template.get("Parameters");
        for (String stage : STAGES) {
            Map<String, String> overrides = overrides(stage);
            assertEquals(stage, overrides.get("Stage"), stage);
            for (var override : overrides.entrySet()) {
                Map<String, Object> parameter = (Map<String, Object>) parameters.get(override.getKey());
                assertNotNull(parameter, stage + ": " + override.getKey() + " is not a parameter of template.yaml");
                String value = override.getValue();
                if (parameter.get("AllowedValues") instanceof List<?> allowed) {
                    assertTrue(allowed.stream().map(String::valueOf).toList().contains(value), stage + ": " + override);
                }
                if (parameter.get("AllowedPattern") instanceof String pattern) {
                    assertTrue(value.matches(pattern), stage + ": " + override.getKey() + " does not match " + pattern);
                }
                if ("Number".equals(parameter.get("Type"))) {
                    assertTrue(value.matches("\\d+"), stage + ": " + override);
                    if (parameter.get("MinValue") instanceof Number min) {
                        assertTrue(Long.parseLong(value) >= min.longValue(), stage + ": " + override);
                    }
                }
            }
        }
    }

    @Test
    void everyStage_runsTheJvmBuildWithSnapStart_theOneCiBuildsAndBoots() throws Exception {
        // No native build runs in CI (.ci/run builds function.zip for java21 and boots it): no stage may deploy one.
        assertFalse(Files.readString(Path.of(".ci/run")).contains("-Pnative"), "a native build in CI would allow Native=true");
        for (String stage : STAGES) {
            assertEquals("false", overrides(stage).get("Native"), stage);
        }
        String globals = Files.readString(Path.of("template.yaml"));
        assertTrue(globals.contains("SnapStart: !If [IsNative, !Ref AWS::NoValue, {ApplyOn: PublishedVersions}]"),
                "the JVM build is snapshotted (SnapStart) on published versions");
        assertTrue(globals.contains("AutoPublishAlias: live"), "SnapStart applies to published versions: each deploy publishes one");
    }

    @Test
    void eachStage_hasAStackAndArtefactPrefixOfItsOwn() throws Exception {
        Set<String> stacks = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (String stage : STAGES) {
            Map<String, String> section = section(stage);
            assertTrue(stacks.add(section.get("stack_name")), stage);
            assertTrue(prefixes.add(section.get("s3_prefix")), stage);
            assertTrue(section.get("stack_name").endsWith("-" + stage), stage);
        }
    }

    static Map<String, String> overrides(String stage) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String pair : section(stage).get("parameter_overrides").split(" ")) {
            int equals = pair.indexOf('=');
            overrides.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return overrides;
    }

    /** The settings of {@code [<stage>.deploy.parameters]}, quotes removed. */
    static Map<String, String> section(String stage) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("samconfig.toml"))) {
            if (line.startsWith("[")) {
                inside = line.equals("[" + stage + ".deploy.parameters]");
                continue;
            }
            Matcher setting = SETTING.matcher(line.strip());
            if (inside && setting.matches()) {
                settings.put(setting.group(1), setting.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        assertFalse(settings.isEmpty(), "no [" + stage + ".deploy.parameters] in samconfig.toml");
        return settings;
    }
}

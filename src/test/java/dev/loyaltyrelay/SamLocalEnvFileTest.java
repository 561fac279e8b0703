package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.support.TemplateFunctions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code events/env.json}, the {@code sam local invoke --env-vars} file, against {@code template.yaml}. The SAM CLI
 * silently drops a variable the function's template environment does not declare, and cannot resolve a {@code !Ref} or
 * {@code !GetAtt} of a resource without a stack (it passes the logical id): so each variable the file sets must be one
 * the template declares for that function, and each one the template fills from a resource must be in the file.
 */
class SamLocalEnvFileTest {

    static final TemplateFunctions TEMPLATE = TemplateFunctions.read(Path.of("template.yaml"));

    static JsonNode envFile() throws IOException {
        return new ObjectMapper().readTree(Path.of("events", "env.json").toFile());
    }

    /** The variables the file gives a function: its own entry over {@code Parameters}, which SAM gives every function. */
    static Set<String> givenTo(JsonNode envFile, String logicalId) {
        Set<String> names = new TreeSet<>();
        envFile.path("Parameters").fieldNames().forEachRemaining(names::add);
        envFile.path(logicalId).fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyVariableTheFileSets_isOneTheTemplateDeclaresForThatFunction() throws IOException {
        JsonNode envFile = envFile();
        Set<String> functions = new TreeSet<>();
        TEMPLATE.functions().forEach(f -> functions.add(f.logicalId()));
        List<String> unknown = new ArrayList<>();
        envFile.fieldNames().forEachRemaining(entry -> {
            if (!entry.equals("Parameters") && !functions.contains(entry)) {
                unknown.add(entry);
            }
        });
        assertEquals(List.of(), unknown, "entries naming no function of template.yaml");
        for (TemplateFunctions.Function function : TEMPLATE.functions()) {
            Set<String> undeclared = new TreeSet<>(givenTo(envFile, function.logicalId()));
            undeclared.removeAll(function.environment().keySet());
            assertEquals(Set.of(), undeclared, function.logicalId() + ": SAM would drop these, the template does not declare them");
        }
    }

    @Test
    void everyVariableTheTemplateFillsFromAResource_isInTheFile() throws IOException {
        JsonNode envFile = envFile();
        for (TemplateFunctions.Function function : TEMPLATE.functions()) {
            Set<String> missing = new TreeSet<>();
            function.environment().forEach((name, value) -> {
                if (value instanceof TemplateFunctions.Intrinsic intrinsic && fromAResource(intrinsic)) {
                    missing.add(name);
                }
            });
            missing.removeAll(givenTo(envFile, function.logicalId()));
            assertEquals(Set.of(), missing, function.logicalId() + ": sam local invoke would pass a logical id for these");
        }
    }

    /** A parameter's Ref and a mapping lookup the SAM CLI resolves itself; a resource's Ref, GetAtt and Sub it does not. */
    static boolean fromAResource(TemplateFunctions.Intrinsic intrinsic) {
        return switch (intrinsic.function()) {
            case "Ref" -> !TEMPLATE.isParameter(String.valueOf(intrinsic.argument())) && !String.valueOf(intrinsic.argument()).startsWith("AWS::");
            case "FindInMap" -> false;
            default -> true;
        };
    }

    @Test
    void theFileKeepsTheDeployedCipher_andGivesNoKeyOfItsOwn() throws IOException {
        JsonNode envFile = envFile();
        List<String> names = new ArrayList<>();
        envFile.fields().forEachRemaining(entry -> entry.getValue().fieldNames().forEachRemaining(names::add));
        assertTrue(names.stream().noneMatch(name -> name.equals("SECRET_CIPHER") || name.contains("LOCAL_KEY")),
                "a sam local invoke against the stage's tables must open its secrets with the stage's KMS key: " + names);
    }
}

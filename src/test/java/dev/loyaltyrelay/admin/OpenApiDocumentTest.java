package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code docs/openapi.yaml} describes exactly the routes the functions serve. */
@QuarkusTest
class OpenApiDocumentTest {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Inject
    AdminRoutes routes;

    @SuppressWarnings("unchecked")
    static Map<String, Object> document() throws Exception {
        try (Reader reader = Files.newBufferedReader(Path.of("docs/openapi.yaml"))) {
            return new Yaml().load(reader);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServedRouteIsDocumented_andEveryDocumentedRouteIsServed() throws Exception {
        Map<String, Object> document = document();
        assertEquals("3.1.0", document.get("openapi"));
        Set<String> documented = new TreeSet<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.keySet().stream()
                .filter(METHODS::contains).forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        Set<String> served = new TreeSet<>();
        routes.all().forEach(route -> served.add(route.method() + " " + route.template()));
        served.add("POST /v1/webhooks/nector/{merchantId}");

        assertEquals(served, documented);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPathParameterIsDeclared_andEveryReferenceResolves() throws Exception {
        Map<String, Object> document = document();
        Map<String, Object> components = (Map<String, Object>) document.get("components");
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> {
            List<String> declared = new ArrayList<>();
            collectPathParameters(item.get("parameters"), declared);
            item.values().forEach(operation -> {
                if (operation instanceof Map<?, ?> op) {
                    collectPathParameters(op.get("parameters"), declared);
                }
            });
            Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
            while (m.find()) {
                assertTrue(declared.contains(m.group(1)), path + " declares " + m.group(1));
            }
        });
        String text = Files.readString(Path.of("docs/openapi.yaml"));
        Matcher refs = Pattern.compile("#/components/(\\w+)/(\\w+)").matcher(text);
        while (refs.find()) {
            Map<String, Object> section = (Map<String, Object>) components.get(refs.group(1));
            assertTrue(section != null && section.containsKey(refs.group(2)), "unresolved " + refs.group());
        }
    }

    @SuppressWarnings("unchecked")
    static void collectPathParameters(Object parameters, List<String> names) {
        if (parameters instanceof List<?> list) {
            for (Object parameter : list) {
                Map<String, Object> p = (Map<String, Object>) parameter;
                if ("path".equals(p.get("in"))) {
                    names.add((String) p.get("name"));
                }
            }
        }
    }
}

package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.admin.RecordSchemas.Direction;
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

/**
 * {@code docs/openapi.yaml} describes exactly the routes the functions serve, and each admin route's request and answer
 * schemas are exactly the records that bind them ({@link RecordSchemas}; {@code RecordSchemasTest} shows it failing on
 * a record and a schema that disagree).
 */
@QuarkusTest
class OpenApiDocumentTest {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Inject
    AdminRoutes routes;
    @Inject
    ObjectMapper json;

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

    @Test
    @SuppressWarnings("unchecked")
    void everyAdminRoutesBodyAndAnswer_areDocumentedAsTheRecordsThatBindThem() throws Exception {
        Map<String, Object> document = document();
        RecordSchemas schemas = new RecordSchemas(document, Bodies.MAPPER, json);
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        List<String> differences = new ArrayList<>();
        for (AdminRoutes.Route<?, ?> route : routes.all()) {
            String where = route.method() + " " + route.template();
            Map<String, Object> operation = (Map<String, Object>) paths.get(route.template()).get(route.method().toLowerCase(Locale.ROOT));
            differences.addAll(requestDifferences(where, route.body(), (Map<String, Object>) operation.get("requestBody"), schemas));
            differences.addAll(answerDifferences(where, route.answer(), (Map<String, Object>) operation.get("responses"), schemas));
        }
        Map<String, Object> components = (Map<String, Object>) document.get("components");
        differences.addAll(schemas.differences("Problem", ApiProblem.Body.class, ((Map<String, Object>) components.get("schemas")).get("Problem"),
                Direction.ANSWER));

        assertTrue(differences.isEmpty(), "the document and the records differ:\n" + String.join("\n", differences));
        assertTrue(routes.all().stream().filter(route -> route.body().type() != Void.class).count() >= 10, "request records were compared");
    }

    static List<String> requestDifferences(String where, AdminRoutes.Body<?> body, Map<String, Object> requestBody, RecordSchemas schemas) {
        if (body.type() == Void.class) {
            return requestBody == null ? List.of() : List.of(where + ": the document takes a body, the route none");
        }
        if (requestBody == null) {
            return List.of(where + ": the route takes " + body.type().getSimpleName() + ", the document no body");
        }
        List<String> differences = new ArrayList<>();
        if (Boolean.TRUE.equals(requestBody.get("required")) != body.required()) {
            differences.add(where + ": the route's body is " + (body.required() ? "required" : "optional") + ", the document's not");
        }
        differences.addAll(schemas.differences(where + " body", body.type(), json(requestBody), Direction.REQUEST));
        return differences;
    }

    static List<String> answerDifferences(String where, Class<?> answer, Map<String, Object> responses, RecordSchemas schemas) {
        List<String> differences = new ArrayList<>();
        int withContent = 0;
        for (var response : responses.entrySet()) {
            if (!response.getKey().startsWith("2")) {
                continue;
            }
            Object schema = json(schemas.resolve(response.getValue()));
            if (schema == null) {
                continue;
            }
            withContent++;
            if (answer == Void.class) {
                differences.add(where + " " + response.getKey() + ": the document answers a body, the route none");
            } else {
                differences.addAll(schemas.differences(where + " " + response.getKey(), answer, schema, Direction.ANSWER));
            }
        }
        if (answer != Void.class && withContent == 0) {
            differences.add(where + ": the route answers " + answer.getSimpleName() + ", the document no body");
        }
        return differences;
    }

    /** The {@code application/json} schema of a request body or response, or null. */
    @SuppressWarnings("unchecked")
    static Object json(Map<String, Object> bodyOrResponse) {
        Map<String, Object> content = (Map<String, Object>) bodyOrResponse.get("content");
        return content == null || content.get("application/json") == null ? null
                : ((Map<String, Object>) content.get("application/json")).get("schema");
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

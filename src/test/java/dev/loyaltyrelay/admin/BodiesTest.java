package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.admin.DeliveryBodies.Redrive;
import dev.loyaltyrelay.admin.IntegrationBodies.NewIntegration;
import dev.loyaltyrelay.admin.MappingBodies.Mapping;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettingsChange;
import dev.loyaltyrelay.admin.TestEventBodies.TestSend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A body is bound to its record strictly, and every refusal is a 400 naming the field by its JSON path and the rule. */
class BodiesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The refusal as "field: reason", after checking it is a 400 invalid_request naming one field. */
    static String refusal(String body, AdminRoutes.Body<?> as) {
        ApiProblem problem = assertThrows(ApiProblem.class, () -> Bodies.read(json(body), as));
        assertEquals(400, problem.status());
        assertEquals("invalid_request", problem.code());
        assertEquals(1, problem.errors().size());
        return problem.errors().getFirst().field() + ": " + problem.errors().getFirst().reason();
    }

    static final AdminRoutes.Body<MerchantSettingsChange> SETTINGS = AdminRoutes.Body.required(MerchantSettingsChange.class);
    static final AdminRoutes.Body<Mapping> MAPPING = AdminRoutes.Body.required(Mapping.class);

    @Test
    void aBodyOfTheRecordsFields_isBound() {
        MerchantSettingsChange change = Bodies.read(json("{\"timezone\":\"Asia/Dubai\",\"timestampWindowMinutes\":30}"), SETTINGS);
        assertEquals(new MerchantSettingsChange(null, "Asia/Dubai", null, null, 30L, null), change);
        Mapping mapping = Bodies.read(json("{\"topic\":\"t\",\"variables\":[{\"property\":\"p\",\"custom\":true}],\"forwarded\":\"all\"}"), MAPPING);
        assertEquals(List.of(new MappingBodies.Variable("p", null, true)), mapping.variables());
        assertEquals("all", mapping.forwarded().asText());
    }

    @Test
    void anUnknownField_isRefused_namingItAndWhatIsAllowed() {
        assertEquals("timezon: unknown field; allowed: bodySignature, bodySignatureScheme, defaultCountry, repeatedBodies, timestampWindowMinutes, timezone",
                refusal("{\"timezon\":\"Asia/Dubai\"}", SETTINGS));
        assertEquals("variables[1].fallbak: unknown field; allowed: custom, fallback, property",
                refusal("{\"topic\":\"t\",\"variables\":[{\"property\":\"a\"},{\"property\":\"b\",\"fallbak\":\"x\"}]}", MAPPING));
    }

    @Test
    void aValueOfAnotherJsonType_isRefused_notCoerced() {
        assertEquals("timestampWindowMinutes: must be a whole number", refusal("{\"timestampWindowMinutes\":12.5}", SETTINGS));
        assertEquals("timestampWindowMinutes: must be a whole number", refusal("{\"timestampWindowMinutes\":1e309}", SETTINGS));
        assertEquals("timestampWindowMinutes: must be a whole number", refusal("{\"timestampWindowMinutes\":\"30\"}", SETTINGS));
        assertEquals("timestampWindowMinutes: must be a whole number",
                refusal("{\"timestampWindowMinutes\":99999999999999999999}", SETTINGS));
        assertEquals("timezone: must be a string", refusal("{\"timezone\":5}", SETTINGS));
        assertEquals("timezone: must be a string", refusal("{\"timezone\":[\"Asia/Dubai\"]}", SETTINGS));
        assertEquals("variables[0].custom: must be true or false",
                refusal("{\"topic\":\"t\",\"variables\":[{\"property\":\"p\",\"custom\":\"yes\"}]}", MAPPING));
        assertEquals("variables[0]: must be an object", refusal("{\"topic\":\"t\",\"variables\":[5]}", MAPPING));
        assertEquals("variables: " + MappingBodies.VARIABLES, refusal("{\"topic\":\"t\",\"variables\":{}}", MAPPING));
        assertEquals("properties: " + TestEventBodies.PROPERTIES,
                refusal("{\"mobile\":\"1\",\"properties\":[1]}", AdminRoutes.Body.required(TestSend.class)));
    }

    @Test
    void aMissingRequiredField_isRefused_andOneThatIsNull_isLeftToTheRoute() {
        assertEquals("topic: required", refusal("{\"templateId\":\"a\"}", MAPPING));
        assertEquals("variables[0].property: required", refusal("{\"topic\":\"t\",\"variables\":[{\"fallback\":\"x\"}]}", MAPPING));
        assertEquals("credentials: required", refusal("{\"provider\":\"zoko\"}", AdminRoutes.Body.required(NewIntegration.class)));
        assertNull(Bodies.read(json("{\"topic\":null}"), MAPPING).topic(), "present but null: the route says required, with its own rule");
    }

    @Test
    void aBodyThatIsNotAnObject_isRefused_andAnOptionalOneLeftOut_readsAsEmpty() {
        assertEquals("(body): must be a JSON object", refusal("[1,2]", SETTINGS));
        assertEquals("(body): must be a JSON object", refusal("\"x\"", SETTINGS));
        ApiProblem missing = assertThrows(ApiProblem.class, () -> Bodies.read(MissingNode.getInstance(), SETTINGS));
        assertEquals("(body)", missing.errors().getFirst().field());
        assertEquals(new Redrive(null), Bodies.read(MissingNode.getInstance(), AdminRoutes.Body.optional(Redrive.class)));
        assertEquals(new Redrive(null), Bodies.read(json("null"), AdminRoutes.Body.optional(Redrive.class)));
        assertEquals("(body): must be a JSON object", refusal("[]", AdminRoutes.Body.optional(Redrive.class)));
    }
}

package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.admin.MappingBodies.SavedMapping;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettingsChange;
import dev.loyaltyrelay.admin.RecordSchemas.Direction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The check OpenApiDocumentTest runs on every admin route fails when a record and its schema disagree: planted records
 * and schemas that differ by one field, one required field, one type, a nested record or a oneOf branch, and the real
 * document with a field added on either side.
 */
class RecordSchemasTest {

    static final Map<String, Object> PLANTED = new Yaml().load("""
            components:
              schemas:
                Order: {type: object, additionalProperties: false, required: [sku], properties: {sku: {type: string}, quantity: {type: integer}, lines: {type: array, items: {$ref: '#/components/schemas/Line'}}}}
                Line: {type: object, additionalProperties: false, properties: {note: {type: string}}}
                Open: {type: object, required: [sku], properties: {sku: {type: string}, quantity: {type: integer}, lines: {type: array, items: {$ref: '#/components/schemas/Line'}}}}
                Answer: {type: object, properties: {kind: {oneOf: [{$ref: '#/components/schemas/Granted'}, {$ref: '#/components/schemas/Denied'}]}}}
                Granted: {type: object, properties: {status: {const: granted}}}
                Denied: {type: object, properties: {status: {const: denied}, reason: {type: string}}}
            """);

    record Line(String note) {
    }

    /** Agrees with {@code Order}. */
    record Order(@JsonProperty(required = true) String sku, Long quantity, List<Line> lines) {
    }

    /** {@code colour} is not in the document; {@code quantity} is missing. */
    record OrderWithAnExtraField(@JsonProperty(required = true) String sku, String colour, List<Line> lines) {
    }

    /** {@code sku} is not required here. */
    record OrderWithOptionalSku(String sku, Long quantity, List<Line> lines) {
    }

    /** {@code quantity} is text here, an integer in the document. */
    record OrderWithTextQuantity(@JsonProperty(required = true) String sku, String quantity, List<Line> lines) {
    }

    record LineWithPrice(String note, Long price) {
    }

    /** A line has a price the document's {@code Line} lacks. */
    record OrderWithPricedLines(@JsonProperty(required = true) String sku, Long quantity, List<LineWithPrice> lines) {
    }

    sealed interface Kind permits Granted, Denied {
    }

    record Granted(String status) implements Kind {
    }

    /** The document's {@code Denied} has a reason. */
    record Denied(String status) implements Kind {
    }

    record Answer(Kind kind) {
    }

    final RecordSchemas planted = new RecordSchemas(PLANTED, Bodies.MAPPER, new ObjectMapper());

    static Object ref(String name) {
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    @Test
    void aRecordThatAgreesWithItsSchema_hasNoDifference() {
        assertEquals(List.of(), planted.differences("Order", Order.class, ref("Order"), Direction.REQUEST));
        assertEquals(List.of(), planted.differences("Order", Order.class, ref("Order"), Direction.ANSWER));
    }

    @Test
    void aFieldOnOneSideOnly_isADifference() {
        assertEquals(List.of("Order: colour is in OrderWithAnExtraField, not in the document", "Order: quantity is in the document, not in OrderWithAnExtraField"),
                planted.differences("Order", OrderWithAnExtraField.class, ref("Order"), Direction.REQUEST));
    }

    @Test
    void aRequiredFieldOnOneSideOnly_isADifference() {
        assertEquals(List.of("Order: OrderWithOptionalSku requires [], the document [sku]"),
                planted.differences("Order", OrderWithOptionalSku.class, ref("Order"), Direction.REQUEST));
    }

    @Test
    void anotherJsonType_isADifference() {
        assertEquals(List.of("Order.quantity: the record has string, the document [integer]"),
                planted.differences("Order", OrderWithTextQuantity.class, ref("Order"), Direction.ANSWER));
    }

    @Test
    void aNestedRecordsField_isADifference() {
        assertEquals(List.of("Order.lines[]: price is in LineWithPrice, not in the document"),
                planted.differences("Order", OrderWithPricedLines.class, ref("Order"), Direction.ANSWER));
    }

    @Test
    void aRequestSchemaThatAllowsUnknownFields_isADifference_forTheBindingRefusesThem() {
        assertEquals(List.of("Open: Order refuses unknown fields, the document allows them (additionalProperties: false)"),
                planted.differences("Open", Order.class, ref("Open"), Direction.REQUEST));
        assertEquals(List.of(), planted.differences("Open", Order.class, ref("Open"), Direction.ANSWER));
    }

    @Test
    void aSealedTypesBranch_isComparedWithItsOneOfBranch() {
        assertEquals(List.of("Answer.kind<Denied>: reason is in the document, not in Denied"),
                planted.differences("Answer", Answer.class, ref("Answer"), Direction.ANSWER));
    }

    // ---- the real document and records ---------------------------------------------------------------------

    /** MerchantSettingsChange with a field the document does not have. */
    record MerchantSettingsChangeWithANickname(String defaultCountry, String timezone, String bodySignature, String bodySignatureScheme,
            Long timestampWindowMinutes,
            String repeatedBodies, String nickname) {
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFieldAddedToARealRecordOrToTheRealDocument_isADifference() throws Exception {
        Map<String, Object> document = OpenApiDocumentTest.document();
        RecordSchemas real = new RecordSchemas(document, Bodies.MAPPER, new ObjectMapper());
        Object settings = ref("MerchantSettings");
        assertEquals(List.of(), real.differences("PUT body", MerchantSettingsChange.class, settings, Direction.REQUEST));
        assertEquals(List.of(), real.differences("POST mappings 201", SavedMapping.class, ref("MappingWithWarnings"), Direction.ANSWER));

        assertEquals(List.of("PUT body: nickname is in MerchantSettingsChangeWithANickname, not in the document"),
                real.differences("PUT body", MerchantSettingsChangeWithANickname.class, settings, Direction.REQUEST));

        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
        Map<String, Object> withLocale = new LinkedHashMap<>((Map<String, Object>) schemas.get("MerchantSettings"));
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) withLocale.get("properties"));
        properties.put("locale", Map.of("type", "string"));
        withLocale.put("properties", properties);
        schemas.put("MerchantSettings", withLocale);
        assertEquals(List.of("PUT body: locale is in the document, not in MerchantSettingsChange"),
                real.differences("PUT body", MerchantSettingsChange.class, settings, Direction.REQUEST));
    }
}

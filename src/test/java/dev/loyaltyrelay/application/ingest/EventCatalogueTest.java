package dev.loyaltyrelay.application.ingest;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final EventCatalogue catalogue = new EventCatalogue(JSON);

    @Test
    void publishesOneSchemaForEachOfNectorsEighteenTopics() {
        assertEquals(18, Set.copyOf(EventCatalogue.TOPICS).size());
        for (String topic : EventCatalogue.TOPICS) {
            JsonNode schema = catalogue.document(topic);
            assertEquals(topic, schema.get("title").asText());
            assertTrue(schema.get("additionalProperties").asBoolean(), topic + " allows properties we do not list");
        }
    }

    @Test
    void everyProperty_isMarkedDocumentedThirdPartyOrAssumed_andOnlyDocumentedOnesCarryATypeRule() {
        for (String topic : EventCatalogue.TOPICS) {
            catalogue.document(topic).get("properties").fields().forEachRemaining(property -> {
                JsonNode spec = property.getValue();
                String source = spec.path(EventCatalogue.SOURCE_KEYWORD).asText();
                String where = topic + "." + property.getKey();
                assertTrue(Set.of("documented", "third_party", "assumed").contains(source), where + " is marked");
                assertTrue(spec.has("examples"), where + " has a sample (the admin API's test events use it)");
                if (source.equals("third_party")) {
                    assertFalse(spec.path(EventCatalogue.EVIDENCE_KEYWORD).asText().isBlank(), where + " names its evidence");
                }
                if (!source.equals("documented")) {
                    assertFalse(spec.has("type") || spec.has("anyOf") || spec.has("pattern"), where + " is not enforced");
                    assertTrue(spec.has(EventCatalogue.EXPECTED_TYPE_KEYWORD), where + " says what we expect");
                }
            });
            assertTrue(catalogue.document(topic).at("/properties/user_mobile/x-nector-source").asText().equals("documented"));
        }
    }

    @Test
    void couponEvents_carryTheNamesTheEvidenceShows_notTheFirstGuesses() {
        for (String topic : List.of("coupon_create", "coupon_update")) {
            JsonNode properties = catalogue.document(topic).get("properties");
            for (String name : List.of("value", "fiat_value", "fiat_class", "minimumcart_amount", "expire", "status")) {
                assertEquals("third_party", properties.path(name).path(EventCatalogue.SOURCE_KEYWORD).asText(), topic + "." + name);
            }
            for (String guess : List.of("coupon_code", "coupon_value", "coupon_type", "coupon_expire", "coupon_status")) {
                assertFalse(properties.has(guess), topic + "." + guess + " was a guess the evidence contradicts");
            }
        }
    }

    @Test
    void documentedTypes_areChecked_andViolationsNameThePropertyButNoValue() {
        ObjectNode event = JSON.createObjectNode();
        event.put("user_name", "Riya");
        event.put("amount", "12abc");
        event.putArray("user_email").add("x@example.com");
        List<String> violations = catalogue.violations("walletreward_create", event);
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("amount")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("user_email")), violations.toString());
        assertFalse(violations.toString().contains("12abc"));
        assertFalse(violations.toString().contains("example.com"));
    }

    @Test
    void numericStrings_andNulls_areAcceptedWhereNectorMayUseThem() {
        ObjectNode event = JSON.createObjectNode();
        event.put("amount", "100.50");
        event.putNull("user_email");
        event.put("user_mobile", 919876543210L);
        event.put("user_customer_id", 7301468061924L);
        event.put("user_wallet_balance", "not checked: assumed");
        assertEquals(List.of(), catalogue.violations("walletreward_create", event));
    }

    @Test
    void unknownTopics_areNotInTheCatalogue() {
        assertFalse(catalogue.knows("pointsteleport_create"));
        assertTrue(catalogue.knows("wallettrasaction_update"), "Nector's own spelling");
    }
}

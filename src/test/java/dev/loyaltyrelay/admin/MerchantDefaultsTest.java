package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static dev.loyaltyrelay.support.AdminCalls.operator;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.support.AdminCalls.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new merchant gets {@code relay.merchant-defaults} for every setting its first PUT leaves out; an existing one keeps its own. */
@QuarkusTest
@TestProfile(MerchantDefaultsTest.OtherDefaults.class)
class MerchantDefaultsTest {

    /** The admin function with defaults other than the built-in ones (IN, Asia/Kolkata, record, 6 h, count). */
    public static class OtherDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", "admin",
                    "relay.merchant-defaults.default-country", "AE",
                    "relay.merchant-defaults.timezone", "Asia/Dubai",
                    "relay.merchant-defaults.body-signature", "enforce",
                    "relay.merchant-defaults.timestamp-window", "PT45M",
                    "relay.merchant-defaults.repeated-bodies", "drop");
        }
    }

    @Test
    void aNewMerchant_getsTheConfiguredDefaults_forWhatItsFirstPutLeavesOut() {
        String merchantId = AdminScenario.fresh();

        Answer created = operator("PUT", merchants(merchantId), object());

        assertEquals(201, created.status(), created.toString());
        assertEquals("AE", created.get("defaultCountry").asText());
        assertEquals("Asia/Dubai", created.get("timezone").asText());
        assertEquals("enforce", created.get("bodySignature").asText());
        assertEquals(45, created.get("timestampWindowMinutes").asInt());
        assertEquals("drop", created.get("repeatedBodies").asText());
        assertEquals(created.body(), operator("GET", merchants(merchantId), null).body(), "stored as answered");
    }

    @Test
    void givenSettingsWinOverTheDefaults_andAnExistingMerchantKeepsItsOwn() {
        String merchantId = AdminScenario.fresh();
        Answer created = operator("PUT", merchants(merchantId), object("defaultCountry", "in", "bodySignature", "record"));
        assertEquals(201, created.status(), created.toString());
        assertEquals("IN", created.get("defaultCountry").asText());
        assertEquals("record", created.get("bodySignature").asText());
        assertEquals("Asia/Dubai", created.get("timezone").asText(), "what it left out is the default");

        Answer changed = operator("PUT", merchants(merchantId), object("timezone", "Asia/Kolkata"));

        assertEquals(200, changed.status(), changed.toString());
        assertEquals("IN", changed.get("defaultCountry").asText(), "an existing merchant keeps its settings, not the defaults");
        assertEquals("record", changed.get("bodySignature").asText());
        assertEquals("Asia/Kolkata", changed.get("timezone").asText());
    }
}

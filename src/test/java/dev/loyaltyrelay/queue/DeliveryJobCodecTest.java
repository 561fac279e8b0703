package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.support.BuiltIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.TemplateVariable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryJobCodecTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final DeliveryJobCodec codec = new DeliveryJobCodec(JSON);

    static DeliveryJob job() {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("user_name", "Riya");
        properties.put("amount", new BigDecimal("100.50"));
        var mapping = new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en",
                ForwardedProperties.only(List.of("user_tier")));
        return new DeliveryJob(1, "dlv_0123456789abcdef0123456789abcdef", "m1", "n-1", "walletreward_create", BuiltIn.ZOKO,
                "zoko-1", new Recipient(CommonProperty.MOBILE, "+919876543210"), mapping, properties, Instant.parse("2026-11-18T10:00:00Z"));
    }

    @Test
    void aJobOfTheKnownVersionWithAMissingOrUnreadableField_isRefusedAsNotAJob_only() {
        // Found by an independent review: a missing receivedAt threw DateTimeParseException, not the documented refusal.
        for (String text : List.of("{\"schemaVersion\":1,\"recipient\":{\"kind\":\"email\"},\"provider\":\"zoko\"}",
                "{\"schemaVersion\":1,\"recipient\":{\"kind\":\"mobile\"},\"provider\":\"zoko\",\"receivedAt\":\"yesterday\"}",
                "{\"schemaVersion\":1,\"recipient\":{\"kind\":\"mobile\"},\"provider\":\"zoko\",\"receivedAt\":\"2026-11-20T10:00:00Z\",\"properties\":[1]}")) {
            var refused = assertThrows(IllegalArgumentException.class, () -> codec.decode(text), text);
            assertEquals(false, refused.getMessage().contains("yesterday"), "the message does not quote the text");
        }
    }

    @Test
    void encodedJobs_matchThePublishedSchema_andDecodeToTheSameJob() throws Exception {
        String text = codec.encode(job());
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(getClass().getClassLoader().getResourceAsStream("schemas/delivery-job.v1.schema.json"));
        assertEquals(Set.of(), schema.validate(JSON.readTree(text)));
        DeliveryJob decoded = codec.decode(text);
        assertEquals(job().mapping(), decoded.mapping());
        assertEquals(job().recipient(), decoded.recipient());
        assertEquals("100.5", new BigDecimal(decoded.properties().get("amount").toString()).stripTrailingZeros().toPlainString());
        assertEquals(job().receivedAt(), decoded.receivedAt());
    }

    @Test
    void decimalsKeepEveryDigit() {
        String text = codec.encode(job()).replaceFirst("\"amount\":[0-9.]+", "\"amount\":12345678901234567890.10");
        Object amount = codec.decode(text).properties().get("amount");
        assertEquals(0, new BigDecimal("12345678901234567890.1").compareTo((BigDecimal) amount), String.valueOf(amount));
    }

    @Test
    void theSampleSqsEvents_carryJobsOfThePublishedSchema() throws Exception {
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(getClass().getClassLoader().getResourceAsStream("schemas/delivery-job.v1.schema.json"));
        for (Provider provider : BuiltIn.ALL) {
            var event = JSON.readTree(java.nio.file.Path.of("events", provider.key() + "-batch.json").toFile());
            assertEquals(4, event.get("Records").size(), provider.key());
            for (var record : event.get("Records")) {
                String body = record.get("body").asText();
                assertEquals(Set.of(), schema.validate(JSON.readTree(body)), provider.key());
                assertEquals(provider, codec.decode(body).provider());
            }
        }
    }

    @Test
    void anAmountWithTrailingZeros_travelsAsTheJobHoldsIt() {
        // The job was once built as a tree first, which wrote 100.50 as 100.5; written directly, a decimal travels as the
        // job holds it and reads back the same (how a template shows it is VariableRenderer's business).
        String text = codec.encode(job());
        assertTrue(text.contains("\"amount\":100.50"), text);
        Object amount = codec.decode(text).properties().get("amount");
        assertEquals(new BigDecimal("100.50"), amount);
        assertEquals("100.50", ((BigDecimal) amount).toPlainString());
        assertEquals(text, codec.encode(codec.decode(text)));
    }

    @Test
    void theJobCarriesItsCategory_andAJobWrittenWithoutOne_readsAsMarketing() {
        var job = job();
        var transactional = new DeliveryJob(job.schemaVersion(), job.deliveryId(), job.merchantId(), job.nectorDeliveryId(), job.topic(),
                job.provider(), job.integrationId(), job.recipient(), job.mapping(), job.properties(), job.receivedAt(),
                dev.loyaltyrelay.domain.TopicCategory.TRANSACTIONAL);
        String text = codec.encode(transactional);
        assertTrue(text.contains("\"category\":\"transactional\""), text);
        assertEquals(dev.loyaltyrelay.domain.TopicCategory.TRANSACTIONAL, codec.decode(text).category());
        assertEquals(text, codec.encode(codec.decode(text)));
        assertEquals(dev.loyaltyrelay.domain.TopicCategory.MARKETING,
                codec.decode(text.replace(",\"category\":\"transactional\"", "")).category());
        assertThrows(IllegalArgumentException.class, () -> codec.decode(text.replace("\"transactional\"", "\"promotional\"")));
    }

    @Test
    void aRichTemplatesTypeAndMediaHeader_travelWithTheJob_andAJobQueuedBeforeThem_readsAsAPlainTemplate() throws Exception {
        var job = job();
        var plain = job.mapping();
        var rich = new EventMapping(plain.integrationId(), plain.mappingId(), plain.topic(), plain.templateId(), null, plain.variables(), "hi",
                plain.forwarded(), "richTemplate", "https://cdn.example/banner.jpg");
        String text = codec.encode(new DeliveryJob(1, job.deliveryId(), job.merchantId(), job.nectorDeliveryId(), job.topic(), job.provider(),
                job.integrationId(), job.recipient(), rich, job.properties(), job.receivedAt()));
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(getClass().getClassLoader().getResourceAsStream("schemas/delivery-job.v1.schema.json"));
        assertEquals(Set.of(), schema.validate(JSON.readTree(text)));
        assertEquals(rich, codec.decode(text).mapping());

        // A job written before the fields existed (schema version 1 without them) still decodes, as a plain template.
        String before = codec.encode(job);
        assertTrue(!before.contains("templateType") && !before.contains("mediaHeaderUrl"), before);
        EventMapping old = codec.decode(before).mapping();
        assertEquals(null, old.templateType());
        assertEquals(null, old.mediaHeaderUrl());
        assertEquals(plain, old);
    }

    @Test
    void aJobOfAnUnknownVersion_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> codec.decode(codec.encode(job()).replace("\"schemaVersion\":1", "\"schemaVersion\":2")));
        assertThrows(IllegalArgumentException.class, () -> codec.decode("not json"));
    }
}

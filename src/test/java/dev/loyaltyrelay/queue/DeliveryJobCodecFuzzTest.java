package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.support.BuiltIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.TemplateVariable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the job codec, the only way a job crosses SQS. Two properties, chosen by the first byte:
 * <ul>
 * <li>a job of any content (any Unicode, unpaired surrogates included, numbers of any scale, nested values) is
 * written in text SQS accepts and read back with every field and every property's value unchanged;</li>
 * <li>any text at all is read as a job or refused with {@link IllegalArgumentException}, the one exception the
 * pipeline expects of a message it cannot read; no other throwable.</li>
 * </ul>
 */
class DeliveryJobCodecFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeliveryJobCodec CODEC = new DeliveryJobCodec(JSON);

    @FuzzTest(maxDuration = "10s")
    // A job's own words, so that text the fuzzer writes gets past the version check into the fields.
    @DictionaryEntries({"{\"schemaVersion\":1,", "\"receivedAt\":", "\"2026-11-20T10:00:00Z\"", "\"provider\":\"zoko\"",
            "\"recipient\":{\"kind\":\"mobile\",\"address\":", "\"mapping\":{", "\"variables\":[{\"property\":", "\"forwarded\":{\"all\":true}",
            "\"properties\":{", "\"deliveryId\":", "\"fallback\":", "\"kind\":\"email\"", "null", "[]", "{}"})
    void aJobCrossesTheQueueUnchangedAndAnyOtherTextIsRefusedAsNotAJob(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            aJobCrossesTheQueueUnchanged(data);
        } else {
            anyTextIsAJobOrRefusedAsNotAJob(data.consumeRemainingAsString());
        }
    }

    private static void aJobCrossesTheQueueUnchanged(FuzzedDataProvider data) {
        Provider provider = data.pickValue(BuiltIn.ALL);
        var variables = new ArrayList<TemplateVariable>();
        int variableCount = data.consumeInt(0, 4);
        for (int i = 0; i < variableCount; i++) {
            variables.add(new TemplateVariable(data.consumeString(20), data.consumeBoolean() ? null : data.consumeString(40)));
        }
        var forwarded = data.consumeBoolean() ? ForwardedProperties.ALL : ForwardedProperties.only(List.of(data.consumeString(20), data.consumeString(20)));
        var mapping = new EventMapping("int-1", data.consumeString(20), data.consumeString(20), data.consumeBoolean() ? null : data.consumeString(40),
                data.consumeBoolean() ? null : data.consumeString(40), variables, data.consumeBoolean() ? null : data.consumeString(8), forwarded,
                data.consumeBoolean() ? null : data.consumeString(20), data.consumeBoolean() ? null : data.consumeString(80));
        var recipient = new Recipient(data.pickValue(CommonProperty.values()), data.consumeString(60));
        Map<String, Object> properties = properties(data, 0);
        var job = new DeliveryJob(DeliveryJob.SCHEMA_VERSION, data.consumeString(64), data.consumeString(64), data.consumeString(128),
                data.consumeString(30), provider, "int-1", recipient, mapping, properties,
                Instant.ofEpochSecond(data.consumeLong(0, 253_402_300_799L), data.consumeInt(0, 999_999_999)));

        String text = CODEC.encode(job);
        assertTrue(sqsSafe(text), "a job's text has a character SQS refuses");
        DeliveryJob read = CODEC.decode(text);
        assertEquals(normalised(job.properties()), normalised(read.properties()), "a property's value changed on the queue");
        assertEquals(job, new DeliveryJob(read.schemaVersion(), read.deliveryId(), read.merchantId(), read.nectorDeliveryId(), read.topic(),
                read.provider(), read.integrationId(), read.recipient(), read.mapping(), job.properties(), read.receivedAt()),
                "a field of the job changed on the queue");
        assertEquals(text, CODEC.encode(read), "a job read back is written differently");
    }

    private static void anyTextIsAJobOrRefusedAsNotAJob(String text) {
        try {
            CODEC.decode(text);
        } catch (IllegalArgumentException notAJob) {
            // The documented refusal: the pipeline dead-letters the message with reason job_unreadable.
        }
    }

    /** Event properties as the strict ingest parser makes them: strings, booleans, nulls, integers, decimals and nesting. */
    private static Map<String, Object> properties(FuzzedDataProvider data, int depth) {
        var properties = new LinkedHashMap<String, Object>();
        int count = data.consumeInt(0, depth == 0 ? 6 : 2);
        for (int i = 0; i < count; i++) {
            properties.put(data.consumeString(16), value(data, depth));
        }
        return properties;
    }

    private static Object value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth < 2 ? 7 : 5)) {
            case 0 -> data.consumeString(80);
            case 1 -> data.consumeBoolean();
            case 2 -> null;
            case 3 -> data.consumeInt();
            case 4 -> new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-40, 40));
            case 5 -> data.consumeLong();
            case 6 -> properties(data, depth + 1);
            default -> new ArrayList<>(java.util.Arrays.asList(value(data, depth + 1), value(data, depth + 1)));
        };
    }

    /** Numbers compared by value (an int may come back as a long, 1E+2 as 1E+2 or 100), everything else as it is. */
    private static Object normalised(Object value) {
        if (value instanceof Number number) {
            BigDecimal decimal = new BigDecimal(number.toString()).stripTrailingZeros();
            return decimal.signum() == 0 ? BigDecimal.ZERO : decimal;
        }
        if (value instanceof Map<?, ?> map) {
            var copy = new LinkedHashMap<Object, Object>();
            map.forEach((k, v) -> copy.put(k, normalised(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(DeliveryJobCodecFuzzTest::normalised).toList();
        }
        return value;
    }

    private static boolean sqsSafe(String text) {
        return text.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF
                || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF);
    }
}

package dev.loyaltyrelay.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.support.CapturedLogs;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * README, "Events for the merchant's systems": {@code recipientHash} "is a pseudonym, not anonymity (a phone number's hash
 * can be searched for), so it goes to the merchant's bus only, never to a log" (OperationalEvent#recipientHash says the
 * same). Without a bus (RELAY_EVENT_BUS unset or blank, e.g. EventBusName given as '') every fact is written to the log.
 */
class OperationalEventsNoBusLogTest {

    @Test
    void anOptOutPublishedWithoutABus_neverWritesTheRecipientHashToTheLog() {
        String hash = Hashes.sha256Hex("m-nobus\n+919811122334");
        var events = new EventBridgeOperationalEvents(config(Optional.of("")), metrics(), new ObjectMapper());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CapturedLogs.during(() -> events.publish(new OperationalEvent.RecipientOptedOut("m-nobus", "WHATSAPP", hash, "merchant", null, null, null)),
                record -> lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage()));
        assertFalse(lines.isEmpty(), "the fact was logged (the no-bus fallback)");
        assertEquals(List.of(), lines.stream().filter(line -> line.contains(hash)).toList(), "the recipient's hash reached a log line");
    }

    /**
     * The deployed functions reach the no-bus fallback whenever the stack's EventBusName is blank: the parameter takes ''
     * (no MinLength, no AllowedPattern), so a stack deployed with EventBusName='' (to turn the events off) logs every
     * opt-out's recipientHash to CloudWatch Logs.
     */
    @Test
    void theStacksEventBusName_cannotBeBlank() throws Exception {
        var parameter = new ObjectMapper().readTree(java.nio.file.Path.of("src/test/resources/template-expanded.json").toFile())
                .path("Parameters").path("EventBusName");
        boolean refusesBlank = parameter.path("MinLength").asInt(0) >= 1
                || (parameter.has("AllowedPattern") && !"".matches(parameter.path("AllowedPattern").asText()));
        org.junit.jupiter.api.Assertions.assertTrue(refusesBlank, "EventBusName accepts '': " + parameter);
    }

    private static RelayMetrics metrics() {
        return (name, dimensions) -> {
        };
    }

    private static RelayConfig config(Optional<String> bus) {
        RelayConfig.Events events = (RelayConfig.Events) Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.Events.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "bus" -> bus;
                    case "endpointOverride", "region" -> Optional.empty();
                    case "callTimeout" -> Duration.ofSeconds(2);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (RelayConfig) Proxy.newProxyInstance(RelayConfig.class.getClassLoader(), new Class<?>[] {RelayConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "events" -> events;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

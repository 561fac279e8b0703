package dev.loyaltyrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.provider.echo.EchoAdapter;
import dev.loyaltyrelay.support.BuiltIn;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 12. README "template.yaml": adding a provider to the template takes "its {@code <KEY>_QUEUE_URL} and
 * {@code <KEY>_DLQ_URL} in Globals" (about a dozen lines, and no other file but its folder). A function started with
 * exactly that environment, as Lambda starts it (environment variables over application.properties), does not find
 * the new provider's queue: {@link QueueUrls} reads {@code relay-queues.<key>}, which only the five built-in providers
 * alias to {@code <KEY>_QUEUE_URL} in application.properties. Every event mapped to the new provider would be answered
 * 503 queue_unavailable by ingest, and its delivery function could neither postpone nor dead-letter.
 */
class NewProviderQueueEnvironmentTest {

    static Config asLambdaStartsIt(Map<String, String> environment) throws Exception {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                .build();
    }

    @Test
    void aBuiltInProvider_findsItsQueue_fromTheGlobalsTheTemplateGivesIt() throws Exception {
        Provider zoko = BuiltIn.ZOKO;
        var urls = new QueueUrls(asLambdaStartsIt(Map.of("ZOKO_QUEUE_URL", "https://sqs.example/zoko", "ZOKO_DLQ_URL", "https://sqs.example/zoko-dlq")));
        assertEquals("https://sqs.example/zoko", urls.queue(zoko));
    }

    @Test
    void aNewProvider_addedToTheTemplateAsReadmeSays_findsItsQueue() throws Exception {
        Provider echo = EchoAdapter.PROFILE.provider();
        var urls = new QueueUrls(asLambdaStartsIt(Map.of("ECHO_QUEUE_URL", "https://sqs.example/echo", "ECHO_DLQ_URL", "https://sqs.example/echo-dlq")));
        assertEquals("https://sqs.example/echo", urls.queue(echo), "README: '<KEY>_QUEUE_URL ... in Globals'");
        assertEquals("https://sqs.example/echo-dlq", urls.deadLetterQueue(echo).orElse(null));
    }
}

package dev.loyaltyrelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.WebhookSecret;
import dev.loyaltyrelay.ingest.NectorSignature;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local run ({@code ./mvnw quarkus:dev}): starts the embedded engines, creates the tables and queues of
 * template.yaml, and seeds the demo merchant of {@code local/demo-merchant.json}, so the samples in
 * {@code events/} can be posted at once. Exists in the dev profile only; never in a Lambda.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class LocalPipeline {

    void start(@Observes StartupEvent startup, DynamoDbClient dynamo, SqsClient sqs, ConfigurationStore store,
            SecretCipher cipher, RelayConfig config, ObjectMapper json,
            @ConfigProperty(name = "local-run.dynamodb-port") int dynamoPort,
            @ConfigProperty(name = "local-run.sqs-port") int sqsPort) {
        EmbeddedEngines.startOnce(dynamoPort, sqsPort);
        var template = TemplateResources.read(Path.of("template.yaml"));
        template.createTable(dynamo, "ConfigTable", config.tables().config());
        template.createTable(dynamo, "RecordsTable", config.tables().records());
        for (Provider provider : Provider.values()) {
            String expected = config.queues().urlFor(provider);
            String name = expected.substring(expected.lastIndexOf('/') + 1);
            String created = template.createQueue(sqs, TemplateResources.queueLogicalId(provider), name, name + "-dlq");
            if (!created.equals(expected)) {
                Log.warnf("local: queue %s is at %s, configured %s", name, created, expected);
            }
        }
        String merchantId = seedDemoMerchant(store, cipher, json);
        Log.infof("local: DynamoDB Local on %d, ElasticMQ on %d, demo merchant %s seeded", dynamoPort, sqsPort, merchantId);
    }

    private static String seedDemoMerchant(ConfigurationStore store, SecretCipher cipher, ObjectMapper json) {
        JsonNode seed;
        try (InputStream in = LocalPipeline.class.getClassLoader().getResourceAsStream("local/demo-merchant.json")) {
            seed = json.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("local/demo-merchant.json unreadable", e);
        }
        String merchantId = seed.get("merchantId").asText();
        store.saveMerchant(new Merchant(merchantId, seed.get("defaultCountry").asText(), ZoneId.of(seed.get("timezone").asText()),
                SignaturePolicy.valueOf(seed.get("signaturePolicy").asText()), Duration.parse(seed.get("timestampWindow").asText()),
                RepeatPolicy.valueOf(seed.get("repeatPolicy").asText())));
        String secret = seed.get("webhookSecret").asText();
        store.saveWebhookSecret(merchantId, new WebhookSecret("demo", NectorSignature.hexSha256(secret),
                cipher.seal(secret.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(merchantId, "demo")),
                Instant.EPOCH, null));
        for (JsonNode integration : seed.get("integrations")) {
            String integrationId = integration.get("integrationId").asText();
            Provider provider = Provider.fromKey(integration.get("provider").asText()).orElseThrow();
            Map<String, String> credentials = new TreeMap<>();
            integration.get("credentials").fields().forEachRemaining(f -> credentials.put(f.getKey(), f.getValue().asText()));
            byte[] credentialsJson;
            try {
                credentialsJson = json.writeValueAsBytes(credentials);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            store.saveIntegration(new Integration(merchantId, integrationId, provider, provider.commonProperty(),
                    cipher.seal(credentialsJson, EncryptionContext.forIntegration(merchantId, integrationId)), true, null));
            for (JsonNode mapping : integration.get("mappings")) {
                List<TemplateVariable> variables = new ArrayList<>();
                mapping.path("variables").forEach(v -> variables.add(new TemplateVariable(v.get("property").asText(),
                        v.hasNonNull("fallback") ? v.get("fallback").asText() : null)));
                store.saveMapping(merchantId, new EventMapping(integrationId, mapping.get("mappingId").asText(),
                        mapping.get("topic").asText(), text(mapping, "templateId"), text(mapping, "eventName"), variables,
                        text(mapping, "language"), ForwardedProperties.defaultFor(provider)));
            }
        }
        return merchantId;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

}

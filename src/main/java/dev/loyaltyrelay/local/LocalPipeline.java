package dev.loyaltyrelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.application.receipts.ReceiptUrls;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.AdminKeyStore;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.WebhookSecret;
import io.quarkus.arc.profile.IfBuildProfile;
import org.jboss.logging.Logger;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
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
 * template.yaml, seeds the demo merchant of {@code local/demo-merchant.json} (with an admin key), opens the HTTP
 * front and starts a poller per provider queue, then prints one line with "ready". Exists in the dev profile
 * only: never built into a Lambda, and its classes are left out of function.zip.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class LocalPipeline {

    // A plain logger, not io.quarkus.logging.Log: Quarkus rewrites Log callers, and a rewritten class would escape
    // the exclusion of local/ from function.zip.
    private static final Logger LOG = Logger.getLogger(LocalPipeline.class);

    private final LocalRoutes routes;
    private final QueuePollers pollers;
    private final Sandbox sandbox;

    LocalPipeline(LocalRoutes routes, QueuePollers pollers, Sandbox sandbox) {
        this.routes = routes;
        this.pollers = pollers;
        this.sandbox = sandbox;
    }

    void start(@Observes StartupEvent startup, DynamoDbClient dynamo, SqsClient sqs, ConfigurationStore store,
            ConfigurationSecrets secrets, RelayConfig config, QueueUrls queues, ProviderCatalogue providers, ObjectMapper json, AdminKeyStore adminKeys,
            ReceiptUrls receiptUrls,
            @ConfigProperty(name = "local-run.dynamodb-port") int dynamoPort,
            @ConfigProperty(name = "local-run.sqs-port") int sqsPort,
            @ConfigProperty(name = "local-run.http-port") int httpPort) {
        long started = System.nanoTime();
        EmbeddedEngines.startOnce(dynamoPort, sqsPort);
        var template = TemplateResources.read(Path.of("template.yaml"));
        template.createTable(dynamo, "ConfigTable", config.tables().config());
        template.createTable(dynamo, "RecordsTable", config.tables().records());
        for (ProviderProfile provider : providers.all()) {
            String expected = queues.queue(provider.provider());
            String name = expected.substring(expected.lastIndexOf('/') + 1);
            String created = template.createQueue(sqs, TemplateResources.queueLogicalId(provider), name, name + "-dlq");
            if (!created.equals(expected)) {
                LOG.warnf("local: queue %s is at %s, configured %s", name, created, expected);
            }
        }
        JsonNode seed = readSeed(json);
        String merchantId = seedDemoMerchant(seed, store, secrets, providers);
        seedAdminKey(seed, adminKeys);
        sandbox.zokoTemplates(zokoTemplates(seed));
        int port = LocalFront.startOnce(httpPort);
        routes.register();
        pollers.start();
        // As Initialize does for a merchant's integration: the sandbox's Zoko learns where to post receipts and replies.
        for (Integration integration : store.load(merchantId).orElseThrow().integrations()) {
            if (receiptUrls.offered(integration)) {
                var issued = receiptUrls.issue(integration, secrets.openCredentials(integration));
                LOG.infof("local: %s's receipt URL %s", integration.integrationId(), issued.registration());
            }
        }
        LOG.infof("local: DynamoDB Local on %d, ElasticMQ on %d, demo merchant %s seeded, pollers on the five provider queues",
                dynamoPort, sqsPort, merchantId);
        LOG.infof("loyalty-relay local run ready on http://localhost:%d in %d ms: POST /v1/webhooks/nector/%s, /v1/admin/..., GET /local/outbox",
                port, (System.nanoTime() - started) / 1_000_000, merchantId);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        routes.unregister();
        pollers.stop();
    }

    /** Package-private: the function.zip boot check seeds the same merchant. */
    static JsonNode readSeed(ObjectMapper json) {
        try (InputStream in = LocalPipeline.class.getClassLoader().getResourceAsStream("local/demo-merchant.json")) {
            return json.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("local/demo-merchant.json unreadable", e);
        }
    }

    /** The demo merchant's admin key, from the seed file (local only; its digest is stored as for any key). */
    private static void seedAdminKey(JsonNode seed, AdminKeyStore adminKeys) {
        String key = seed.get("adminKey").asText();
        String merchantId = seed.get("merchantId").asText();
        String keyId = key.substring(key.indexOf('.') + 1, key.lastIndexOf('.'));
        adminKeys.save(new AdminKey(merchantId, keyId, Hashes.sha256Hex(key), key.substring(key.length() - 4), Instant.EPOCH, null));
    }

    /** The sandbox's Zoko account has the templates the seed's Zoko mappings use, with their variable counts. */
    private static Map<String, Integer> zokoTemplates(JsonNode seed) {
        Map<String, Integer> templates = new TreeMap<>();
        for (JsonNode integration : seed.get("integrations")) {
            if (integration.get("provider").asText().equals("zoko")) {
                integration.get("mappings").forEach(m -> templates.put(m.get("templateId").asText(), m.path("variables").size()));
            }
        }
        return templates;
    }

    static String seedDemoMerchant(JsonNode seed, ConfigurationStore store, ConfigurationSecrets secrets, ProviderCatalogue providers) {
        String merchantId = seed.get("merchantId").asText();
        store.saveMerchant(new Merchant(merchantId, seed.get("defaultCountry").asText(), ZoneId.of(seed.get("timezone").asText()),
                SignaturePolicy.valueOf(seed.get("signaturePolicy").asText()), Duration.parse(seed.get("timestampWindow").asText()),
                RepeatPolicy.valueOf(seed.get("repeatPolicy").asText())));
        String secret = seed.get("webhookSecret").asText();
        store.saveWebhookSecret(merchantId, new WebhookSecret("demo", Hashes.sha256Hex(secret),
                secrets.sealWebhookSecret(merchantId, "demo", secret),
                Instant.EPOCH, null));
        for (JsonNode integration : seed.get("integrations")) {
            String integrationId = integration.get("integrationId").asText();
            ProviderProfile provider = providers.profile(integration.get("provider").asText()).orElseThrow();
            Map<String, String> credentials = new TreeMap<>();
            integration.get("credentials").fields().forEachRemaining(f -> credentials.put(f.getKey(), f.getValue().asText()));
            store.saveIntegration(new Integration(merchantId, integrationId, provider.provider(), provider.commonProperty(),
                    secrets.sealCredentials(merchantId, integrationId, new ProviderCredentials(credentials)), true, null));
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

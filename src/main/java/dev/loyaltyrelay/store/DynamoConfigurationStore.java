package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Merchant configuration in the config table: one partition per merchant, read with one query. Each type has one
 * mapping to its item ({@link MerchantItems}, {@link WebhookSecretItems}, {@link IntegrationItems},
 * {@link EventMappingItems}); changes of an existing integration's fields are {@link IntegrationUpdates}'.
 */
@ApplicationScoped
public class DynamoConfigurationStore implements ConfigurationStore {

    /** Cancellation reasons that mean "the items changed": read again and decide again ("None" marks the items that passed). */
    private static final Set<String> STATE_CHANGED = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final IntegrationUpdates integrations;

    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.integrations = new IntegrationUpdates(dynamo, tables);
    }

    @Override
    public Optional<MerchantConfiguration> load(String merchantId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            var request = QueryRequest.builder().tableName(tables.config())
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":pk", s(Keys.merchant(merchantId))))
                    .exclusiveStartKey(startKey)
                    .build();
            var response = DynamoCalls.call("load merchant configuration", () -> dynamo.query(request));
            items.addAll(response.items());
            startKey = Cursors.next(response);
        } while (startKey != null);

        Merchant merchant = null;
        List<WebhookSecret> secrets = new ArrayList<>();
        List<Integration> integrations = new ArrayList<>();
        List<EventMapping> mappings = new ArrayList<>();
        for (var item : items) {
            String sk = string(item, Keys.SK);
            if (Keys.PROFILE.equals(sk)) {
                merchant = MerchantItems.fromItem(merchantId, item);
            } else if (sk.startsWith(Keys.SECRET_PREFIX)) {
                secrets.add(WebhookSecretItems.fromItem(item));
            } else if (sk.startsWith(Keys.INTEGRATION_PREFIX)) {
                integrations.add(IntegrationItems.fromItem(merchantId, item));
            } else if (sk.startsWith(Keys.MAPPING_PREFIX)) {
                mappings.add(EventMappingItems.fromItem(item));
            }
        }
        return merchant == null ? Optional.empty() : Optional.of(new MerchantConfiguration(merchant, secrets, integrations, mappings));
    }

    @Override
    public void saveMerchant(Merchant merchant) {
        put(MerchantItems.toItem(merchant));
    }

    @Override
    public void saveWebhookSecret(String merchantId, WebhookSecret secret) {
        put(WebhookSecretItems.toItem(merchantId, secret));
    }

    @Override
    public boolean retireWebhookSecret(String merchantId, String secretId, Instant at, String keeperSecretId) {
        var retire = Update.builder().tableName(tables.config())
                .key(WebhookSecretItems.key(merchantId, secretId))
                .updateExpression("SET #retiredAt = :at")
                .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#retiredAt) OR #retiredAt > :at)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#retiredAt", "retiredAt"))
                .expressionAttributeValues(Map.of(":at", n(at.toEpochMilli())))
                .build();
        var keeperStaysValid = ConditionCheck.builder().tableName(tables.config())
                .key(WebhookSecretItems.key(merchantId, keeperSecretId))
                .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#retiredAt)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#retiredAt", "retiredAt"))
                .build();
        return DynamoCalls.call("retire webhook secret", () -> {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().update(retire).build(),
                        TransactWriteItem.builder().conditionCheck(keeperStaysValid).build()));
                return true;
            } catch (TransactionCanceledException e) {
                if (e.cancellationReasons().stream().allMatch(r -> STATE_CHANGED.contains(r.code()))) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void saveIntegration(Integration integration) {
        put(IntegrationItems.toItem(integration));
    }

    @Override
    public void deleteIntegration(String merchantId, String integrationId) {
        var mappings = DynamoCalls.call("list mappings", () -> dynamo.query(r -> r.tableName(tables.config())
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", s(Keys.merchant(merchantId)), ":prefix", s(Keys.MAPPING_PREFIX + integrationId + "#")))))
                .items();
        for (var mapping : mappings) {
            delete(merchantId, string(mapping, Keys.SK));
        }
        delete(merchantId, Keys.INTEGRATION_PREFIX + integrationId);
    }

    @Override
    public void deleteMapping(String merchantId, String integrationId, String mappingId) {
        delete(merchantId, Keys.mapping(integrationId, mappingId));
    }

    @Override
    public void setEnabled(String merchantId, String integrationId, boolean enabled) {
        integrations.setEnabled(merchantId, integrationId, enabled);
    }

    @Override
    public RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, Instant since) {
        return integrations.flagRefusedCredentials(merchantId, integrationId, used, since);
    }

    @Override
    public void markAttention(String merchantId, String integrationId, Integration.Attention attention) {
        integrations.markAttention(merchantId, integrationId, attention);
    }

    @Override
    public void clearAttention(String merchantId, String integrationId, String reason) {
        integrations.clearAttention(merchantId, integrationId, reason);
    }

    @Override
    public void saveMapping(String merchantId, EventMapping mapping) {
        put(EventMappingItems.toItem(merchantId, mapping));
    }

    @Override
    public boolean createMapping(String merchantId, EventMapping mapping) {
        try {
            DynamoCalls.call("create mapping", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(EventMappingItems.toItem(merchantId, mapping))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    private void put(Map<String, AttributeValue> item) {
        DynamoCalls.call("save configuration", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    }

    private void delete(String merchantId, String sortKey) {
        DynamoCalls.call("delete configuration item", () -> dynamo.deleteItem(r -> r.tableName(tables.config())
                .key(Keys.merchantItem(merchantId, sortKey))));
    }
}

package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.ConfigurationChanged;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
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
 * {@link EventMappingItems}); changes of an existing integration's fields are {@link IntegrationUpdates}'. Every write
 * that changed something then writes a new version token to the merchant's {@code VERSION} item and tells this
 * process ({@link ConfigurationChanged}).
 */
@ApplicationScoped
public class DynamoConfigurationStore implements ConfigurationStore {

    /** Cancellation reasons that mean "the items changed": read again and decide again ("None" marks the items that passed). */
    private static final Set<String> STATE_CHANGED = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final IntegrationUpdates integrations;
    private final Consumer<ConfigurationChanged> changes;

    @Inject
    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables, Event<ConfigurationChanged> changes) {
        this(dynamo, tables, changes::fire);
    }

    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables, Consumer<ConfigurationChanged> changes) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.integrations = new IntegrationUpdates(dynamo, tables);
        this.changes = changes;
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
                    .consistentRead(true)
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
    public Optional<String> version(String merchantId) {
        var item = DynamoCalls.call("read configuration version", () -> dynamo.getItem(r -> r.tableName(tables.config())
                .key(Keys.merchantItem(merchantId, Keys.VERSION)).consistentRead(true)
                .projectionExpression("#version").expressionAttributeNames(Map.of("#version", "version")))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(string(item, "version"));
    }

    @Override
    public void saveMerchant(Merchant merchant) {
        write(merchant.merchantId(), MerchantItems.toItem(merchant));
    }

    @Override
    public void saveWebhookSecret(String merchantId, WebhookSecret secret) {
        write(merchantId, WebhookSecretItems.toItem(merchantId, secret));
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
                changed(merchantId);
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
        write(integration.merchantId(), IntegrationItems.toItem(integration));
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
        changed(merchantId);
    }

    @Override
    public void deleteMapping(String merchantId, String integrationId, String mappingId) {
        delete(merchantId, Keys.mapping(integrationId, mappingId));
        changed(merchantId);
    }

    @Override
    public void setEnabled(String merchantId, String integrationId, boolean enabled) {
        changedIf(integrations.setEnabled(merchantId, integrationId, enabled), merchantId);
    }

    @Override
    public RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, Instant since) {
        RefusalFlag flag = integrations.flagRefusedCredentials(merchantId, integrationId, used, since);
        changedIf(flag == RefusalFlag.FLAGGED, merchantId);
        return flag;
    }

    @Override
    public void markAttention(String merchantId, String integrationId, Integration.Attention attention) {
        changedIf(integrations.markAttention(merchantId, integrationId, attention), merchantId);
    }

    @Override
    public void clearAttention(String merchantId, String integrationId, String reason) {
        changedIf(integrations.clearAttention(merchantId, integrationId, reason), merchantId);
    }

    @Override
    public void saveMapping(String merchantId, EventMapping mapping) {
        write(merchantId, EventMappingItems.toItem(merchantId, mapping));
    }

    @Override
    public boolean createMapping(String merchantId, EventMapping mapping) {
        try {
            DynamoCalls.call("create mapping", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(EventMappingItems.toItem(merchantId, mapping))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))));
            changed(merchantId);
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * A new version token, written after the change it announces: a reader that sees it reads the change too. Were this
     * write lost (the process dies between the two), readers keep the older configuration until their cache's age limit.
     */
    private void changed(String merchantId) {
        DynamoCalls.call("write configuration version", () -> dynamo.putItem(r -> r.tableName(tables.config())
                .item(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.VERSION), "version", s(UUID.randomUUID().toString())))));
        changes.accept(new ConfigurationChanged(merchantId));
    }

    /** A conditional write that found nothing to change changes no version: no cache anywhere is made to reload for it. */
    private void changedIf(boolean written, String merchantId) {
        if (written) {
            changed(merchantId);
        }
    }

    /** One item of the merchant's configuration written whole, then the version that announces it. */
    private void write(String merchantId, Map<String, AttributeValue> item) {
        DynamoCalls.call("save configuration", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        changed(merchantId);
    }

    private void delete(String merchantId, String sortKey) {
        DynamoCalls.call("delete configuration item", () -> dynamo.deleteItem(r -> r.tableName(tables.config())
                .key(Keys.merchantItem(merchantId, sortKey))));
    }
}

package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.ConfigurationChanged;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Merchant configuration in the config table: one partition per merchant, read with one query. Each type has one
 * mapping to its item ({@link MerchantItems}, {@link WebhookSecretItems}, {@link IntegrationItems},
 * {@link EventMappingItems}); changes of an existing integration's fields are {@link IntegrationUpdates}'. Every write
 * goes through {@link VersionedWrites}: the change and a new version token on the merchant's {@code VERSION} item in one
 * transaction, then this process is told ({@link ConfigurationChanged}).
 */
@ApplicationScoped
public class DynamoConfigurationStore implements ConfigurationStore {

    /** Items of a change in one transaction: DynamoDB's 100, less the version. */
    private static final int MAX_CHANGE_ITEMS = 99;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final VersionedWrites writes;
    private final IntegrationUpdates integrations;

    @Inject
    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables, Event<ConfigurationChanged> changes) {
        this(dynamo, tables, changes::fire);
    }

    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables, Consumer<ConfigurationChanged> changes) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.writes = new VersionedWrites(dynamo, tables, changes);
        this.integrations = new IntegrationUpdates(dynamo, tables, writes);
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
        writes.write("save merchant", merchant.merchantId(), TransactWriteItem.builder().update(MerchantItems.settingsUpdate(tables.config(), merchant)).build());
    }

    @Override
    public void saveTopicCategories(String merchantId, Map<String, TopicCategory> overrides) {
        writes.write("save topic categories", merchantId,
                TransactWriteItem.builder().update(MerchantItems.topicCategoriesUpdate(tables.config(), merchantId, overrides)).build());
    }

    @Override
    public void saveMarketingLimits(String merchantId, MarketingLimits limits) {
        writes.write("save marketing limits", merchantId,
                TransactWriteItem.builder().update(MerchantItems.marketingLimitsUpdate(tables.config(), merchantId, limits)).build());
    }

    @Override
    public void saveWebhookSecret(String merchantId, WebhookSecret secret) {
        put(merchantId, WebhookSecretItems.toItem(merchantId, secret));
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
        return writes.write("retire webhook secret", merchantId, TransactWriteItem.builder().update(retire).build(),
                TransactWriteItem.builder().conditionCheck(keeperStaysValid).build());
    }

    @Override
    public void saveIntegration(Integration integration) {
        put(integration.merchantId(), IntegrationItems.toItem(integration));
    }

    /**
     * The mappings go first and the integration last, each transaction with its version (a transaction holds 100 items):
     * an integration is never left without the mappings a job of it may name, and no mapping outlives a finished delete.
     */
    @Override
    public void deleteIntegration(String merchantId, String integrationId) {
        var mappings = DynamoCalls.call("list mappings", () -> dynamo.query(r -> r.tableName(tables.config())
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", s(Keys.merchant(merchantId)), ":prefix", s(Keys.MAPPING_PREFIX + integrationId + "#")))
                .consistentRead(true)))
                .items();
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (var mapping : mappings) {
            deletes.add(delete(merchantId, string(mapping, Keys.SK)));
        }
        deletes.add(delete(merchantId, Keys.INTEGRATION_PREFIX + integrationId));
        for (int from = 0; from < deletes.size(); from += MAX_CHANGE_ITEMS) {
            writes.write("delete integration", merchantId, deletes.subList(from, Math.min(deletes.size(), from + MAX_CHANGE_ITEMS)));
        }
    }

    @Override
    public void deleteMapping(String merchantId, String integrationId, String mappingId) {
        writes.write("delete mapping", merchantId, delete(merchantId, Keys.mapping(integrationId, mappingId)));
    }

    @Override
    public void setEnabled(String merchantId, String integrationId, boolean enabled) {
        integrations.setEnabled(merchantId, integrationId, enabled);
    }

    @Override
    public RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, String reason, Instant since) {
        return integrations.flagRefusedCredentials(merchantId, integrationId, used, reason, since);
    }

    @Override
    public boolean markAttention(String merchantId, String integrationId, Integration.Attention attention) {
        return integrations.markAttention(merchantId, integrationId, attention);
    }

    @Override
    public void clearAttention(String merchantId, String integrationId, String reason) {
        integrations.clearAttention(merchantId, integrationId, reason);
    }

    @Override
    public void saveMapping(String merchantId, EventMapping mapping) {
        put(merchantId, EventMappingItems.toItem(merchantId, mapping));
    }

    @Override
    public boolean flagMapping(String merchantId, String integrationId, String mappingId, String refusedTemplateId, EventMapping.Attention attention) {
        // One conditional write: a mapping deleted meanwhile is not recreated, the first flag is kept, and a refusal of a
        // template the merchant has since replaced flags nothing (the fix is not undone by a message sent before it).
        Map<String, String> names = new java.util.HashMap<>(Map.of("#reason", EventMappingItems.ATTENTION_REASON, "#since",
                EventMappingItems.ATTENTION_SINCE, "#pk", Keys.PK, "#template", "templateId"));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":reason", s(attention.reason()), ":since",
                n(attention.since().toEpochMilli())));
        String sameTemplate = "attribute_not_exists(#template)";
        if (refusedTemplateId != null) {
            values.put(":template", s(refusedTemplateId));
            sameTemplate = "#template = :template";
        }
        var update = Update.builder().tableName(tables.config())
                .key(Keys.merchantItem(merchantId, Keys.mapping(integrationId, mappingId)))
                .updateExpression("SET #reason = :reason, #since = :since")
                .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#reason) AND " + sameTemplate)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
        return writes.write("flag mapping", merchantId, TransactWriteItem.builder().update(update).build());
    }

    @Override
    public boolean createMapping(String merchantId, EventMapping mapping) {
        return writes.write("create mapping", merchantId, TransactWriteItem.builder().put(Put.builder().tableName(tables.config())
                .item(EventMappingItems.toItem(merchantId, mapping))
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build());
    }

    /** One item of the merchant's configuration written whole. */
    private void put(String merchantId, Map<String, AttributeValue> item) {
        writes.write("save configuration", merchantId, TransactWriteItem.builder().put(Put.builder().tableName(tables.config()).item(item).build()).build());
    }

    private TransactWriteItem delete(String merchantId, String sortKey) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tables.config()).key(Keys.merchantItem(merchantId, sortKey)).build()).build();
    }
}

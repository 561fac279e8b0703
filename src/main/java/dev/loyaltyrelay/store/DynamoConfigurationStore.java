package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.putIfPresent;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;
import static dev.loyaltyrelay.store.Attributes.strings;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** Merchant configuration in the config table: one partition per merchant, read with one query. */
@ApplicationScoped
public class DynamoConfigurationStore implements ConfigurationStore {

    /** Cancellation reasons that mean "the items changed": read again and decide again ("None" marks the items that passed). */
    private static final Set<String> STATE_CHANGED = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    private final DynamoDbClient dynamo;
    private final Tables tables;

    DynamoConfigurationStore(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
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
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (startKey != null);

        Merchant merchant = null;
        List<WebhookSecret> secrets = new ArrayList<>();
        List<Integration> integrations = new ArrayList<>();
        List<EventMapping> mappings = new ArrayList<>();
        for (var item : items) {
            String sk = string(item, Keys.SK);
            if (Keys.PROFILE.equals(sk)) {
                merchant = merchantFrom(merchantId, item);
            } else if (sk.startsWith(Keys.SECRET_PREFIX)) {
                secrets.add(secretFrom(item));
            } else if (sk.startsWith(Keys.INTEGRATION_PREFIX)) {
                integrations.add(integrationFrom(merchantId, item));
            } else if (sk.startsWith(Keys.MAPPING_PREFIX)) {
                mappings.add(mappingFrom(item));
            }
        }
        return merchant == null ? Optional.empty() : Optional.of(new MerchantConfiguration(merchant, secrets, integrations, mappings));
    }

    @Override
    public void saveMerchant(Merchant merchant) {
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.merchant(merchant.merchantId())));
        item.put(Keys.SK, s(Keys.PROFILE));
        item.put("defaultCountry", s(merchant.defaultCountry()));
        item.put("timezone", s(merchant.timezone().getId()));
        item.put("signaturePolicy", s(merchant.signaturePolicy().name()));
        item.put("timestampWindowSeconds", n(merchant.timestampWindow().toSeconds()));
        item.put("repeatPolicy", s(merchant.repeatPolicy().name()));
        put(item);
    }

    @Override
    public void saveWebhookSecret(String merchantId, WebhookSecret secret) {
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.merchant(merchantId)));
        item.put(Keys.SK, s(Keys.SECRET_PREFIX + secret.secretId()));
        item.put("sha256", s(secret.sha256Hex()));
        item.put("sealed", s(secret.sealed().encode()));
        item.put("createdAt", n(secret.createdAt().toEpochMilli()));
        if (secret.retiredAt() != null) {
            item.put("retiredAt", n(secret.retiredAt().toEpochMilli()));
        }
        put(item);
    }

    @Override
    public boolean retireWebhookSecret(String merchantId, String secretId, Instant at, String keeperSecretId) {
        var pk = s(Keys.merchant(merchantId));
        var retire = Update.builder().tableName(tables.config())
                .key(Map.of(Keys.PK, pk, Keys.SK, s(Keys.SECRET_PREFIX + secretId)))
                .updateExpression("SET #retiredAt = :at")
                .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#retiredAt) OR #retiredAt > :at)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#retiredAt", "retiredAt"))
                .expressionAttributeValues(Map.of(":at", n(at.toEpochMilli())))
                .build();
        var keeperStaysValid = ConditionCheck.builder().tableName(tables.config())
                .key(Map.of(Keys.PK, pk, Keys.SK, s(Keys.SECRET_PREFIX + keeperSecretId)))
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
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.merchant(integration.merchantId())));
        item.put(Keys.SK, s(Keys.INTEGRATION_PREFIX + integration.integrationId()));
        item.put("provider", s(integration.provider().key()));
        item.put("commonProperty", s(integration.commonProperty().name()));
        item.put("credentials", s(integration.credentials().encode()));
        item.put("enabled", bool(integration.enabled()));
        if (integration.attention() != null) {
            item.put("attentionReason", s(integration.attention().reason()));
            item.put("attentionSince", n(integration.attention().since().toEpochMilli()));
        }
        put(item);
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

    private void delete(String merchantId, String sortKey) {
        DynamoCalls.call("delete configuration item", () -> dynamo.deleteItem(r -> r.tableName(tables.config())
                .key(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(sortKey)))));
    }

    @Override
    public void setEnabled(String merchantId, String integrationId, boolean enabled) {
        try {
            DynamoCalls.call("switch integration", () -> dynamo.updateItem(r -> r.tableName(tables.config())
                    .key(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.INTEGRATION_PREFIX + integrationId)))
                    .updateExpression("SET #enabled = :enabled")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#enabled", "enabled", "#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":enabled", bool(enabled)))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException deletedMeanwhile) {
            // A deleted integration stays deleted.
        }
    }

    @Override
    public RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, Instant since) {
        String refused = dev.loyaltyrelay.domain.DeliveryOutcome.Rejected.CREDENTIALS_REFUSED;
        try {
            DynamoCalls.call("flag refused credentials", () -> dynamo.updateItem(r -> r.tableName(tables.config())
                    .key(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.INTEGRATION_PREFIX + integrationId)))
                    .updateExpression("SET #reason = :reason, #since = :since")
                    .conditionExpression("attribute_exists(#pk) AND #credentials = :used AND (attribute_not_exists(#reason) OR #reason <> :reason)")
                    .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince", "#pk", Keys.PK,
                            "#credentials", "credentials"))
                    .expressionAttributeValues(Map.of(":reason", s(refused), ":since", n(since.toEpochMilli()), ":used", s(used.encode())))
                    .returnValuesOnConditionCheckFailure(software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return RefusalFlag.FLAGGED;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException notFlagged) {
            var item = notFlagged.hasItem() ? notFlagged.item() : Map.<String, AttributeValue>of();
            if (item.isEmpty()) {
                return RefusalFlag.INTEGRATION_GONE;
            }
            return used.encode().equals(string(item, "credentials")) ? RefusalFlag.ALREADY_FLAGGED : RefusalFlag.CREDENTIALS_REPLACED;
        }
    }

    @Override
    public void markAttention(String merchantId, String integrationId, Integration.Attention attention) {
        try {
            DynamoCalls.call("mark integration attention", () -> dynamo.updateItem(r -> r.tableName(tables.config())
                    .key(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.INTEGRATION_PREFIX + integrationId)))
                    .updateExpression("SET #reason = :reason, #since = :since")
                    // Refused credentials replace any other flag (they stop sending); other causes only fill an empty flag.
                    .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#reason)"
                            + " OR (#reason <> :reason AND :reason = :refused))")
                    .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince", "#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":reason", s(attention.reason()), ":since", n(attention.since().toEpochMilli()),
                            ":refused", s(dev.loyaltyrelay.domain.DeliveryOutcome.Rejected.CREDENTIALS_REFUSED)))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException alreadyMarkedOrGone) {
            // The first flag's time is kept; a deleted integration stays deleted.
        }
    }

    @Override
    public void clearAttention(String merchantId, String integrationId, String reason) {
        try {
            DynamoCalls.call("clear integration attention", () -> dynamo.updateItem(r -> r.tableName(tables.config())
                    .key(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.INTEGRATION_PREFIX + integrationId)))
                    .updateExpression("REMOVE #reason, #since")
                    .conditionExpression("#reason = :reason")
                    .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince"))
                    .expressionAttributeValues(Map.of(":reason", s(reason)))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException anotherReasonOrNone) {
            // A different cause (refused credentials) stays until the merchant acts.
        }
    }

    @Override
    public void saveMapping(String merchantId, EventMapping mapping) {
        put(mappingItem(merchantId, mapping));
    }

    @Override
    public boolean createMapping(String merchantId, EventMapping mapping) {
        try {
            DynamoCalls.call("create mapping", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(mappingItem(merchantId, mapping))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException exists) {
            return false;
        }
    }

    private static Map<String, AttributeValue> mappingItem(String merchantId, EventMapping mapping) {
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.merchant(merchantId)));
        item.put(Keys.SK, s(Keys.mapping(mapping.integrationId(), mapping.mappingId())));
        item.put("integrationId", s(mapping.integrationId()));
        item.put("mappingId", s(mapping.mappingId()));
        item.put("topic", s(mapping.topic()));
        putIfPresent(item, "templateId", mapping.templateId());
        putIfPresent(item, "eventName", mapping.eventName());
        putIfPresent(item, "language", mapping.language());
        item.put("variables", AttributeValue.fromL(mapping.variables().stream().map(v -> {
            var variable = new HashMap<String, AttributeValue>();
            variable.put("property", s(v.property()));
            putIfPresent(variable, "fallback", v.fallback());
            return AttributeValue.fromM(variable);
        }).toList()));
        item.put("forwardAll", bool(mapping.forwarded().all()));
        item.put("forwardNames", strings(mapping.forwarded().names()));
        return item;
    }

    private void put(Map<String, AttributeValue> item) {
        DynamoCalls.call("save configuration", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    }

    private static Merchant merchantFrom(String merchantId, Map<String, AttributeValue> item) {
        return new Merchant(merchantId,
                string(item, "defaultCountry"),
                ZoneId.of(string(item, "timezone")),
                SignaturePolicy.valueOf(string(item, "signaturePolicy")),
                Duration.ofSeconds(number(item, "timestampWindowSeconds").orElseThrow()),
                RepeatPolicy.valueOf(string(item, "repeatPolicy")));
    }

    private static WebhookSecret secretFrom(Map<String, AttributeValue> item) {
        return new WebhookSecret(string(item, Keys.SK).substring(Keys.SECRET_PREFIX.length()),
                string(item, "sha256"),
                SealedSecret.decode(string(item, "sealed")),
                Instant.ofEpochMilli(number(item, "createdAt").orElse(0L)),
                number(item, "retiredAt").map(Instant::ofEpochMilli).orElse(null));
    }

    private static Integration integrationFrom(String merchantId, Map<String, AttributeValue> item) {
        String reason = string(item, "attentionReason");
        return new Integration(merchantId,
                string(item, Keys.SK).substring(Keys.INTEGRATION_PREFIX.length()),
                Provider.fromKey(string(item, "provider")).orElseThrow(),
                CommonProperty.valueOf(string(item, "commonProperty")),
                SealedSecret.decode(string(item, "credentials")),
                bool(item, "enabled", true),
                reason == null ? null : new Integration.Attention(reason,
                        Instant.ofEpochMilli(number(item, "attentionSince").orElse(0L))));
    }

    private static EventMapping mappingFrom(Map<String, AttributeValue> item) {
        List<TemplateVariable> variables = item.containsKey("variables")
                ? item.get("variables").l().stream()
                        .map(v -> new TemplateVariable(string(v.m(), "property"), string(v.m(), "fallback")))
                        .toList()
                : List.of();
        ForwardedProperties forwarded = bool(item, "forwardAll", false)
                ? ForwardedProperties.ALL
                : ForwardedProperties.only(strings(item, "forwardNames"));
        return new EventMapping(string(item, "integrationId"), string(item, "mappingId"), string(item, "topic"),
                string(item, "templateId"), string(item, "eventName"), variables, string(item, "language"), forwarded);
    }
}

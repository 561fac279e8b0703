package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.SealedSecret;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Changes of one field of an existing integration's item, each one conditional write (with the merchant's new version,
 * through {@link VersionedWrites}): on or off, and its attention flag. A deleted integration stays deleted.
 */
record IntegrationUpdates(DynamoDbClient dynamo, Tables tables, VersionedWrites writes) {

    private static final String CREDENTIALS_REFUSED = DeliveryOutcome.Rejected.CREDENTIALS_REFUSED;
    private static final String PROVIDER_FAILING = Integration.Attention.PROVIDER_FAILING;

    /** @return whether the integration exists (and is now on or off) */
    boolean setEnabled(String merchantId, String integrationId, boolean enabled) {
        return update("switch integration", merchantId, integrationId, r -> r
                .updateExpression("SET #enabled = :enabled")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#enabled", "enabled", "#pk", Keys.PK))
                .expressionAttributeValues(Map.of(":enabled", bool(enabled))));
    }

    RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, String reason, Instant since) {
        // Only an empty flag or a failing provider's is replaced: the first refusal's reason and time are kept.
        boolean flagged = update("flag refused credentials", merchantId, integrationId, r -> r
                .updateExpression("SET #reason = :reason, #since = :since")
                .conditionExpression("attribute_exists(#pk) AND #credentials = :used AND (attribute_not_exists(#reason) OR #reason = :failing)")
                .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince", "#pk", Keys.PK,
                        "#credentials", "credentials"))
                .expressionAttributeValues(Map.of(":reason", s(reason), ":since", n(since.toEpochMilli()), ":used", s(used.encode()),
                        ":failing", s(PROVIDER_FAILING))));
        if (flagged) {
            return RefusalFlag.FLAGGED;
        }
        // Why the condition failed, read consistently after it: the flag only ever moves forward, and replaced
        // credentials are not replaced back, so what is read now is what the condition met.
        var item = DynamoCalls.call("read integration", () -> dynamo.getItem(r -> r.tableName(tables.config())
                .key(IntegrationItems.key(merchantId, integrationId)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return RefusalFlag.INTEGRATION_GONE;
        }
        return used.encode().equals(string(item, "credentials")) ? RefusalFlag.ALREADY_FLAGGED : RefusalFlag.CREDENTIALS_REPLACED;
    }

    /** @return whether the flag was written */
    boolean markAttention(String merchantId, String integrationId, Integration.Attention attention) {
        // Refused credentials replace any other flag (they stop sending); other causes only fill an empty flag, and the
        // first flag's time is kept.
        return update("mark integration attention", merchantId, integrationId, r -> r
                .updateExpression("SET #reason = :reason, #since = :since")
                .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#reason)"
                        + " OR (#reason <> :reason AND :reason = :refused))")
                .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince", "#pk", Keys.PK))
                .expressionAttributeValues(Map.of(":reason", s(attention.reason()), ":since", n(attention.since().toEpochMilli()),
                        ":refused", s(CREDENTIALS_REFUSED))));
    }

    /** @return whether a flag was cleared */
    boolean clearAttention(String merchantId, String integrationId, String reason) {
        // A different cause (refused credentials) stays until the merchant acts.
        return update("clear integration attention", merchantId, integrationId, r -> r
                .updateExpression("REMOVE #reason, #since")
                .conditionExpression("#reason = :reason")
                .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince"))
                .expressionAttributeValues(Map.of(":reason", s(reason))));
    }

    private boolean update(String operation, String merchantId, String integrationId, Consumer<Update.Builder> change) {
        var update = Update.builder().tableName(tables.config()).key(IntegrationItems.key(merchantId, integrationId));
        change.accept(update);
        return writes.write(operation, merchantId, TransactWriteItem.builder().update(update.build()).build());
    }
}

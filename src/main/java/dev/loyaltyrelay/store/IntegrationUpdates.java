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
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Changes of one field of an existing integration's item, each one conditional write: on or off, and its attention flag.
 * A deleted integration stays deleted. The flag's rules are stated by their one caller, application/delivery's
 * {@code IntegrationAttention}; the conditions here apply them in the write itself, so concurrent writers keep them.
 */
record IntegrationUpdates(DynamoDbClient dynamo, Tables tables) {

    private static final String CREDENTIALS_REFUSED = DeliveryOutcome.Rejected.CREDENTIALS_REFUSED;

    /** @return whether the integration exists (and is now on or off) */
    boolean setEnabled(String merchantId, String integrationId, boolean enabled) {
        return update("switch integration", merchantId, integrationId, r -> r
                .updateExpression("SET #enabled = :enabled")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#enabled", "enabled", "#pk", Keys.PK))
                .expressionAttributeValues(Map.of(":enabled", bool(enabled)))).applied();
    }

    RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, Instant since) {
        var flagged = update("flag refused credentials", merchantId, integrationId, r -> r
                .updateExpression("SET #reason = :reason, #since = :since")
                .conditionExpression("attribute_exists(#pk) AND #credentials = :used AND (attribute_not_exists(#reason) OR #reason <> :reason)")
                .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince", "#pk", Keys.PK,
                        "#credentials", "credentials"))
                .expressionAttributeValues(Map.of(":reason", s(CREDENTIALS_REFUSED), ":since", n(since.toEpochMilli()), ":used", s(used.encode())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        if (flagged.applied()) {
            return RefusalFlag.FLAGGED;
        }
        if (flagged.item().isEmpty()) {
            return RefusalFlag.INTEGRATION_GONE;
        }
        return used.encode().equals(string(flagged.item(), "credentials")) ? RefusalFlag.ALREADY_FLAGGED : RefusalFlag.CREDENTIALS_REPLACED;
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
                        ":refused", s(CREDENTIALS_REFUSED)))).applied();
    }

    /** @return whether a flag was cleared */
    boolean clearAttention(String merchantId, String integrationId, String reason) {
        // A different cause (refused credentials) stays until the merchant acts.
        return update("clear integration attention", merchantId, integrationId, r -> r
                .updateExpression("REMOVE #reason, #since")
                .conditionExpression("#reason = :reason")
                .expressionAttributeNames(Map.of("#reason", "attentionReason", "#since", "attentionSince"))
                .expressionAttributeValues(Map.of(":reason", s(reason)))).applied();
    }

    private ConditionalUpdate update(String operation, String merchantId, String integrationId, Consumer<UpdateItemRequest.Builder> change) {
        return ConditionalUpdate.send(operation, dynamo, r -> change.accept(r.tableName(tables.config())
                .key(IntegrationItems.key(merchantId, integrationId))));
    }
}

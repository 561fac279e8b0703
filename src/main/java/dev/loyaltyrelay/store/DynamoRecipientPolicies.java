package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Recipient policies in the records table, under {@code RECIPIENT#<keyed hash>}: the erasure ({@code POLICY}, kept
 * {@link #ERASURE_KEPT}: longer than any job about the person can still be queued, as the dead-letter queues keep
 * letters 14 days and a redrive gives a day more) and the consent per channel ({@code CONSENT#<CHANNEL>}, an item of
 * its own that never carries an expiry, so the erasure's expiry cannot take an opt-out with it). A batch of
 * deliveries reads both items of each recipient with one BatchGetItem.
 */
@ApplicationScoped
public class DynamoRecipientPolicies implements RecipientPolicies {

    static final String POLICY = "POLICY";
    static final String CONSENT = "CONSENT#";
    static final String PREFIX = "RECIPIENT#";
    static final Duration ERASURE_KEPT = Duration.ofDays(30);
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RecipientKeyring keyring;
    private final RecipientConsents consents;

    DynamoRecipientPolicies(DynamoDbClient dynamo, Tables tables, RecipientKeyring keyring) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.keyring = keyring;
        this.consents = new RecipientConsents(dynamo, tables);
    }

    @Override
    public Map<RecipientKey, RecipientPolicy> lookup(Collection<RecipientKey> recipients, Channel channel) {
        Map<String, RecipientKey> byHash = new LinkedHashMap<>();
        recipients.forEach(recipient -> byHash.put(keyring.hash(recipient), recipient));
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String hash : byHash.keySet()) {
            keys.add(key(hash, POLICY));
            if (channel != null) {
                keys.add(key(hash, CONSENT + channel.name()));
            }
        }
        Map<String, Instant> erasures = new HashMap<>();
        Map<String, Consent> consentByHash = new HashMap<>();
        for (Map<String, AttributeValue> item : read(keys)) {
            String hash = item.get(Keys.PK).s().substring(PREFIX.length());
            String sort = item.get(Keys.SK).s();
            if (sort.equals(POLICY)) {
                number(item, "erasedAt").map(Instant::ofEpochMilli).ifPresent(at -> erasures.put(hash, at));
            } else {
                RecipientConsents.consent(item).ifPresent(consent -> consentByHash.put(hash, consent));
            }
        }
        Map<RecipientKey, RecipientPolicy> found = new HashMap<>();
        byHash.forEach((hash, recipient) -> {
            if (erasures.containsKey(hash) || consentByHash.containsKey(hash)) {
                found.put(recipient, new RecipientPolicy(erasures.get(hash), consentByHash.get(hash)));
            }
        });
        return found;
    }

    @Override
    public Optional<RecipientPolicy> find(RecipientKey recipient, Channel channel) {
        return Optional.ofNullable(lookup(List.of(recipient), channel).get(recipient));
    }

    @Override
    public void recordErasure(RecipientKey recipient, Instant at) {
        var update = new ItemUpdate()
                .set("erasedAt", n(at.toEpochMilli()))
                .set(Keys.EXPIRES_AT, n(at.plus(ERASURE_KEPT).getEpochSecond()));
        DynamoCalls.call("record erasure", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key(keyring.hash(recipient), POLICY))
                .updateExpression(update.expression()).expressionAttributeNames(update.names()).expressionAttributeValues(update.values())));
    }

    @Override
    public void recordConsent(Collection<ConsentChange> changes) {
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (ConsentChange change : changes) {
            var itemKey = key(keyring.hash(change.recipient()), CONSENT + change.channel().name());
            items.remove(itemKey);
            items.put(itemKey, RecipientConsents.item(itemKey, change.consent()));
        }
        consents.write(List.copyOf(items.values()));
    }

    @Override
    public ProviderOptOut recordProviderOptOut(RecipientKey recipient, Channel channel, Instant at) {
        var update = new ItemUpdate()
                .set("optedOut", AttributeValue.fromBool(true))
                .set("changedAt", n(at.toEpochMilli()))
                .set("source", s(ConsentSource.PROVIDER.name()));
        // An opt-in recorded after the provider's report (a late receipt) stands: the report is older than the consent.
        String condition = "attribute_not_exists(" + update.name("optedOut") + ") OR (" + update.name("optedOut") + " = "
                + update.value(AttributeValue.fromBool(false)) + " AND (attribute_not_exists(" + update.name("changedAt") + ") OR "
                + update.name("changedAt") + " <= " + update.value(n(at.toEpochMilli())) + ")) OR " + update.name("source") + " = "
                + update.value(s(ConsentSource.PROVIDER.name()));
        // The old values tell whether this write opted the recipient out or refreshed a provider's earlier report: of two
        // racing writes, only the first finds no opt-out before it.
        var written = ConditionalUpdate.send("record provider opt-out", dynamo, r -> r.tableName(tables.records())
                .key(key(keyring.hash(recipient), CONSENT + channel.name())).updateExpression(update.expression())
                .conditionExpression(condition).expressionAttributeNames(update.names()).expressionAttributeValues(update.values())
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_OLD));
        if (!written.applied()) {
            return ProviderOptOut.NOT_RECORDED;
        }
        AttributeValue before = written.item().get("optedOut");
        return before != null && Boolean.TRUE.equals(before.bool()) ? ProviderOptOut.REFRESHED : ProviderOptOut.OPTED_OUT_NOW;
    }

    @Override
    public Map<Channel, Consent> consentOf(RecipientKey recipient) {
        String hash = keyring.hash(recipient);
        List<Channel> channels = Arrays.stream(Channel.values()).filter(c -> c.address() == recipient.recipient().kind()).toList();
        Map<Channel, Consent> found = new EnumMap<>(Channel.class);
        for (Map<String, AttributeValue> item : read(channels.stream().map(c -> key(hash, CONSENT + c.name())).toList())) {
            Channel channel = Channel.valueOf(item.get(Keys.SK).s().substring(CONSENT.length()));
            RecipientConsents.consent(item).ifPresent(consent -> found.put(channel, consent));
        }
        return found;
    }

    /** The items at these keys that exist, read consistently, 100 keys a round trip. */
    private List<Map<String, AttributeValue>> read(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> chunk = keys.subList(from, Math.min(from + BATCH_GET_LIMIT, keys.size()));
            Map<String, KeysAndAttributes> pending = Map.of(tables.records(), KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
            // DynamoDB may leave keys unprocessed under load: ask again for those, a bounded number of times.
            for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
                Map<String, KeysAndAttributes> request = pending;
                var response = DynamoCalls.call("read recipient policies", () -> dynamo.batchGetItem(r -> r.requestItems(request)));
                items.addAll(response.responses().getOrDefault(tables.records(), List.of()));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
            if (!pending.isEmpty()) {
                throw new StoreUnavailable("read recipient policies", new IllegalStateException("keys left unprocessed"));
            }
        }
        return items;
    }

    static Map<String, AttributeValue> key(String hash, String sort) {
        return Map.of(Keys.PK, s(PREFIX + hash), Keys.SK, s(sort));
    }
}

package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ReceiptEndpoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Each integration's receipt endpoint as an item beside it in the config table ({@code M#<merchant>} /
 * {@code RECEIPTS#<integration>}): the digest of the URL's secret, when it was issued, and what the provider said when
 * it was registered. A merchant's configuration read leaves it out (it is not configuration any function caches).
 */
@ApplicationScoped
public class DynamoReceiptEndpoints implements ReceiptEndpoints {

    static final String RECEIPTS_PREFIX = "RECEIPTS#";
    static final String REPLIES = "REPLIES";

    private final DynamoDbClient dynamo;
    private final Tables tables;

    DynamoReceiptEndpoints(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    @Override
    public void save(String merchantId, String integrationId, ReceiptEndpoint endpoint) {
        var item = new java.util.HashMap<>(key(merchantId, integrationId));
        item.put("provider", s(endpoint.provider().key()));
        item.put("secretSha256", s(endpoint.secretSha256()));
        item.put("issuedAt", n(endpoint.issuedAt().toEpochMilli()));
        item.put("registration", s(endpoint.registration()));
        DynamoCalls.call("save receipt endpoint", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)));
    }

    @Override
    public Optional<ReceiptEndpoint> find(String merchantId, String integrationId) {
        var item = DynamoCalls.call("read receipt endpoint", () -> dynamo.getItem(r -> r.tableName(tables.config())
                .key(key(merchantId, integrationId)).consistentRead(true))).item();
        if (item == null || item.isEmpty() || string(item, "secretSha256") == null) {
            return Optional.empty();
        }
        Optional<Provider> provider = Provider.fromKey(string(item, "provider"));
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReceiptEndpoint(provider.get(), string(item, "secretSha256"), Instant.ofEpochMilli(number(item, "issuedAt").orElse(0L)),
                string(item, "registration")));
    }

    @Override
    public List<String> optOutWords(String merchantId) {
        var item = DynamoCalls.call("read opt-out words", () -> dynamo.getItem(r -> r.tableName(tables.config())
                .key(Keys.merchantItem(merchantId, REPLIES)).consistentRead(true))).item();
        AttributeValue words = item == null ? null : item.get("optOutWords");
        if (words == null || !words.hasL() || words.l().isEmpty()) {
            return DEFAULT_OPT_OUT_WORDS;
        }
        return words.l().stream().map(AttributeValue::s).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void saveOptOutWords(String merchantId, List<String> words) {
        if (words.isEmpty()) {
            DynamoCalls.call("clear opt-out words", () -> dynamo.deleteItem(r -> r.tableName(tables.config()).key(Keys.merchantItem(merchantId, REPLIES))));
            return;
        }
        var item = new java.util.HashMap<>(Keys.merchantItem(merchantId, REPLIES));
        item.put("optOutWords", AttributeValue.fromL(words.stream().map(Attributes::s).toList()));
        DynamoCalls.call("save opt-out words", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)));
    }

    private static Map<String, AttributeValue> key(String merchantId, String integrationId) {
        return Keys.merchantItem(merchantId, RECEIPTS_PREFIX + integrationId);
    }
}

package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The deployment's key for hashing recipient addresses (HMAC-SHA256), so what the relay remembers about a person
 * after erasure cannot be turned back into their number by hashing every possible number. One random key per
 * deployment, sealed like credentials and kept in the config table; the first function that needs it creates it.
 * Opened once per container and kept in memory.
 */
@ApplicationScoped
public class RecipientKeyring {

    static final String SYSTEM = "SYSTEM";
    static final String RECIPIENT_HASH_KEY = "RECIPIENT_HASH_KEY";
    private static final EncryptionContext CONTEXT = new EncryptionContext("*", "recipient-hash-key");

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final SecretCipher cipher;
    private volatile byte[] key;

    RecipientKeyring(DynamoDbClient dynamo, Tables tables, SecretCipher cipher) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.cipher = cipher;
    }

    /** The keyed hash of a merchant's recipient (hex). */
    String hash(RecipientKey recipient) {
        String subject = recipient.merchantId() + "\n" + recipient.recipient().kind().name() + "\n" + recipient.recipient().address();
        return HexFormat.of().formatHex(Hashes.hmacSha256(key(), subject.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] key() {
        byte[] opened = key;
        if (opened == null) {
            synchronized (this) {
                if (key == null) {
                    key = cipher.open(SealedSecret.decode(storedOrCreated()), CONTEXT);
                }
                opened = key;
            }
        }
        return opened;
    }

    private String storedOrCreated() {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> itemKey = Map.of(Keys.PK, s(SYSTEM), Keys.SK, s(RECIPIENT_HASH_KEY));
        var stored = DynamoCalls.call("read recipient hash key", () -> dynamo.getItem(r -> r.tableName(tables.config()).key(itemKey)
                .consistentRead(true))).item();
        if (stored != null && string(stored, "sealed") != null) {
            return string(stored, "sealed");
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String sealed = cipher.seal(fresh, CONTEXT).encode();
        try {
            DynamoCalls.call("create recipient hash key", () -> dynamo.putItem(r -> r.tableName(tables.config())
                    .item(Map.of(Keys.PK, s(SYSTEM), Keys.SK, s(RECIPIENT_HASH_KEY), "sealed", s(sealed)))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))));
            return sealed;
        } catch (ConditionalCheckFailedException anotherFunctionWasFirst) {
            return string(DynamoCalls.call("read recipient hash key", () -> dynamo.getItem(r -> r.tableName(tables.config()).key(itemKey)
                    .consistentRead(true))).item(), "sealed");
        }
    }
}

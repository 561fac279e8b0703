package dev.loyaltyrelay.secrets;

import dev.loyaltyrelay.domain.SecretCipher;
import java.nio.charset.StandardCharsets;

/** A local-key cipher for plain unit tests in other packages. */
public final class LocalKeyCipherAccess {
    private LocalKeyCipherAccess() {
    }

    public static SecretCipher testCipher() {
        return new LocalKeyCipher("unit-test-key-of-exactly-32bytes".getBytes(StandardCharsets.US_ASCII));
    }
}

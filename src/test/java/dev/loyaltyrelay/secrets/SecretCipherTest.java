package dev.loyaltyrelay.secrets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SecretCipher.KeyServiceUnavailable;
import dev.loyaltyrelay.domain.SecretCipher.SecretUnavailable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Both ciphers. KMS cannot run here, so its JSON protocol is served by WireMock (the one stand-in in this
 * suite): the test checks what the SDK sends (key, spec, encryption context) and that AES-GCM binds context.
 */
class SecretCipherTest {

    static final byte[] PLAINTEXT = "{\"apiKey\":\"zk-live-123456\"}".getBytes(StandardCharsets.UTF_8);
    static final EncryptionContext ZOKO_OF_M1 = EncryptionContext.forIntegration("m1", "zoko-1");
    static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String KEY_ARN = "arn:aws:kms:ap-south-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    WireMockServer kms;

    @BeforeEach
    void startKms() {
        kms = new WireMockServer(wireMockConfig().dynamicPort());
        kms.start();
    }

    @AfterEach
    void stopKms() {
        kms.stop();
    }

    @Test
    void localKey_roundTrips_andRefusesAnotherContextOrATamperedValue() {
        var cipher = new LocalKeyCipher(DATA_KEY);
        SealedSecret sealed = cipher.seal(PLAINTEXT, ZOKO_OF_M1);
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("zk-live"));
        assertArrayEquals(PLAINTEXT, cipher.open(SealedSecret.decode(sealed.encode()), ZOKO_OF_M1));
        assertThrows(SecretUnavailable.class, () -> cipher.open(sealed, EncryptionContext.forIntegration("m2", "zoko-1")));
        byte[] tampered = sealed.ciphertext().clone();
        tampered[0] ^= 1;
        assertThrows(SecretUnavailable.class, () -> cipher.open(new SealedSecret("local", new byte[0], sealed.nonce(), tampered), ZOKO_OF_M1));
        assertFalse(sealed.toString().contains("zk-live"));
    }

    @Test
    void kmsUnreachableOrFailing_isKeyServiceUnavailable_whileAValueKmsRefusesToDecrypt_isUnreadable() {
        String wrapped = Base64.getEncoder().encodeToString("wrapped-data-key".getBytes(StandardCharsets.UTF_8));
        SealedSecret sealed = new SealedSecret(KEY_ARN, Base64.getDecoder().decode(wrapped), new byte[12], new byte[32]);
        try (KmsClient client = KmsClient.builder().endpointOverride(URI.create(kms.baseUrl())).region(Region.AP_SOUTH_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            var cipher = new KmsEnvelopeCipher(client, "alias/loyalty-relay");
            Map<String, ResponseDefinitionBuilder> keyServiceDown = new LinkedHashMap<>();
            keyServiceDown.put("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
            keyServiceDown.put("internal error", kmsError(500, "KMSInternalException"));
            keyServiceDown.put("throttled", kmsError(400, "ThrottlingException"));
            keyServiceDown.put("key disabled", kmsError(400, "DisabledException"));
            keyServiceDown.put("access denied", kmsError(400, "AccessDeniedException"));
            for (var failure : keyServiceDown.entrySet()) {
                kms.resetAll();
                kms.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt")).willReturn(failure.getValue()));
                SecretUnavailable thrown = assertThrows(SecretUnavailable.class, () -> cipher.open(sealed, ZOKO_OF_M1), failure.getKey());
                assertTrue(thrown instanceof KeyServiceUnavailable, failure.getKey() + ": " + thrown.getMessage());
            }
            for (String refusal : List.of("InvalidCiphertextException", "IncorrectKeyException")) {
                kms.resetAll();
                kms.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt")).willReturn(kmsError(400, refusal)));
                SecretUnavailable thrown = assertThrows(SecretUnavailable.class, () -> cipher.open(sealed, ZOKO_OF_M1), refusal);
                assertFalse(thrown instanceof KeyServiceUnavailable, refusal + " is the value's fault, not the key service's");
            }
            SecretUnavailable local = assertThrows(SecretUnavailable.class,
                    () -> cipher.open(new SealedSecret("local", new byte[0], new byte[12], new byte[32]), ZOKO_OF_M1));
            assertFalse(local instanceof KeyServiceUnavailable, "a value sealed under the local key never opens under KMS");
        }
    }

    private static ResponseDefinitionBuilder kmsError(int status, String type) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"\"}");
    }

    @Test
    void kmsEnvelope_asksForADataKeyUnderTheContext_andOpensWithDecryptUnderTheSameContext() {
        String wrapped = Base64.getEncoder().encodeToString("wrapped-data-key".getBytes(StandardCharsets.UTF_8));
        String plainKey = Base64.getEncoder().encodeToString(DATA_KEY);
        kms.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.GenerateDataKey"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"CiphertextBlob\":\"" + wrapped + "\",\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + plainKey + "\"}")));
        kms.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt"))
                .withRequestBody(equalToJson("{\"EncryptionContext\":{\"merchant\":\"m1\",\"subject\":\"integration:zoko-1\"}}", true, true))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + plainKey + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}")));
        kms.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt"))
                .withRequestBody(containing("\"m2\"")).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"InvalidCiphertextException\",\"message\":\"\"}")));

        try (KmsClient client = KmsClient.builder().endpointOverride(URI.create(kms.baseUrl())).region(Region.AP_SOUTH_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            var cipher = new KmsEnvelopeCipher(client, "alias/loyalty-relay");
            SealedSecret sealed = cipher.seal(PLAINTEXT, ZOKO_OF_M1);

            assertEquals(KEY_ARN, sealed.keyRef());
            kms.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.GenerateDataKey"))
                    .withRequestBody(equalToJson("{\"KeyId\":\"alias/loyalty-relay\",\"KeySpec\":\"AES_256\","
                            + "\"EncryptionContext\":{\"merchant\":\"m1\",\"subject\":\"integration:zoko-1\"}}", true, true)));
            assertArrayEquals(PLAINTEXT, cipher.open(SealedSecret.decode(sealed.encode()), ZOKO_OF_M1));
            assertThrows(SecretUnavailable.class, () -> cipher.open(sealed, EncryptionContext.forIntegration("m2", "zoko-1")));
        }
    }
}

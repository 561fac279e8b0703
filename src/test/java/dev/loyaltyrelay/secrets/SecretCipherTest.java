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

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SecretCipher.SecretUnavailable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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

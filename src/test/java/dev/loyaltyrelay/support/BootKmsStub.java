package dev.loyaltyrelay.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.secrets.KmsEnvelopeCipher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * KMS's JSON protocol ({@code TrentService.GenerateDataKey} and {@code Decrypt}) served by WireMock: KMS has no
 * engine that runs here (as in {@code SecretCipherTest}). It hands out one data key, wrapped as a fixed blob, and
 * unwraps only that blob, for the key {@link #KEY_ARN}; AES-GCM with the encryption context as AAD does the rest,
 * so a value opened under another context still fails.
 */
public final class BootKmsStub implements AutoCloseable {

    public static final String KEY_ARN = "arn:aws:kms:" + LocalAws.REGION + ":000000000000:key/00000000-0000-4000-8000-b007c8ec0001";
    private static final String DATA_KEY = Base64.getEncoder().encodeToString("boot-check-data-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII));
    private static final String WRAPPED_KEY = Base64.getEncoder().encodeToString("boot-check-wrapped-data-key".getBytes(StandardCharsets.US_ASCII));
    private static final String JSON_1_1 = "application/x-amz-json-1.1";

    private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private KmsClient client;

    public BootKmsStub() {
        server.start();
        server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.GenerateDataKey"))
                .withRequestBody(matchingJsonPath("$.KeyId", equalTo(KEY_ARN)))
                .willReturn(aResponse().withHeader("Content-Type", JSON_1_1)
                        .withBody("{\"CiphertextBlob\":\"" + WRAPPED_KEY + "\",\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + DATA_KEY + "\"}")));
        server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.CiphertextBlob", equalTo(WRAPPED_KEY)))
                .willReturn(aResponse().withHeader("Content-Type", JSON_1_1)
                        .withBody("{\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + DATA_KEY + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}")));
        server.stubFor(post(urlEqualTo("/")).atPriority(9)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", JSON_1_1)
                        .withBody("{\"__type\":\"InvalidCiphertextException\",\"message\":\"\"}")));
    }

    /** The endpoint to give a KMS client ({@code quarkus.kms.endpoint-override}). */
    public String url() {
        return server.baseUrl();
    }

    /** How many {@code Decrypt} calls this stub has answered or refused. */
    public int decryptCalls() {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt"))).size();
    }

    /** The application's own KMS envelope cipher, talking to this stub: seals as the admin API does in AWS. */
    public synchronized SecretCipher cipher() {
        if (client == null) {
            client = KmsClient.builder().endpointOverride(URI.create(url())).region(Region.of(LocalAws.REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }
        return new KmsEnvelopeCipher(client, KEY_ARN);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
        server.stop();
    }
}

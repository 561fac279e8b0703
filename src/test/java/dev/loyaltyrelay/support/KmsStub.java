package dev.loyaltyrelay.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * KMS's JSON protocol served by WireMock, once per test JVM, for the functions run with {@code relay.cipher.mode=kms}
 * (KMS cannot run here). It hands out one data key and gives it back on Decrypt; a test can make Decrypt fail the
 * ways KMS does. Stubs are set through WireMock's admin API, so any class loader's copy of this class reaches the one server.
 */
public final class KmsStub {

    public static final String KEY_ARN = "arn:aws:kms:ap-south-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    static final String DATA_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String WRAPPED_KEY = Base64.getEncoder().encodeToString("wrapped-data-key".getBytes(StandardCharsets.UTF_8));

    /** The port, shared through a system property: the test profile and the tests see this class in different class loaders. */
    static final String PORT_PROPERTY = "loyalty-relay.test.kms-stub-port";

    private KmsStub() {
    }

    static synchronized int port() {
        String known = System.getProperty(PORT_PROPERTY);
        if (known != null) {
            return Integer.parseInt(known);
        }
        var server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.setProperty(PORT_PROPERTY, Integer.toString(server.port()));
        working();
        return server.port();
    }

    private static WireMock kms() {
        return new WireMock("127.0.0.1", port());
    }

    /** KMS answers GenerateDataKey and Decrypt (any context) with the one data key. */
    public static void working() {
        WireMock kms = kms();
        kms.resetMappings();
        kms.register(operation("GenerateDataKey").willReturn(json(200,
                "{\"CiphertextBlob\":\"" + WRAPPED_KEY + "\",\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + DATA_KEY + "\"}")));
        kms.register(operation("Decrypt").willReturn(json(200,
                "{\"KeyId\":\"" + KEY_ARN + "\",\"Plaintext\":\"" + DATA_KEY + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}")));
    }

    /** KMS cannot be reached: every Decrypt has its connection reset. */
    public static void unreachable() {
        kms().register(operation("Decrypt").atPriority(1).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    /** KMS refuses to decrypt the values sealed for this encryption-context subject, as it does a tampered blob. */
    public static void refusesToOpen(String subject) {
        kms().register(operation("Decrypt").atPriority(1).withRequestBody(containing("\"" + subject + "\""))
                .willReturn(json(400, "{\"__type\":\"InvalidCiphertextException\",\"message\":\"\"}")));
    }

    /** Configuration that makes the application seal and open with KMS, served here. */
    public static Map<String, String> applicationConfig() {
        var config = new HashMap<String, String>();
        config.put("relay.cipher.mode", "kms");
        config.put("relay.cipher.kms-key-id", "alias/loyalty-relay-test");
        config.put("quarkus.kms.endpoint-override", "http://127.0.0.1:" + port());
        config.put("quarkus.kms.aws.region", LocalAws.REGION);
        config.put("quarkus.kms.aws.credentials.type", "static");
        config.put("quarkus.kms.aws.credentials.static-provider.access-key-id", "test");
        config.put("quarkus.kms.aws.credentials.static-provider.secret-access-key", "test");
        return config;
    }

    private static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService." + name));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1").withBody(body);
    }
}

package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static dev.loyaltyrelay.support.AdminCalls.operator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each function, driven through its flows on DynamoDB Local and ElasticMQ, performs only actions that its role in
 * template.yaml allows: every call of the application's clients is recorded as IAM authorises it and checked against
 * the function's policy statements (actions and resources). Nothing here is emulated but IAM's evaluation.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class IamCoverageTest {

    @Inject
    IngestHandler ingest;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    HeldEventStore held;
    @Inject
    dev.loyaltyrelay.figures.FiguresHandler figures;
    @Inject
    @jakarta.inject.Named("receipts")
    dev.loyaltyrelay.receipts.ReceiptHandler receipts;

    static final TemplateResources TEMPLATE = TemplateResources.read(Path.of("template.yaml"));

    @Test
    void everyFunction_callsOnlyWhatItsTemplateRoleAllows() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        IamCallRecorder.take();
        List<String> denied = new ArrayList<>();

        // Admin: create the merchant, connect Zoko, rotate the webhook secret (add one, retire the old in an hour).
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        String secrets = merchants(merchantId) + "/webhook-secrets";
        String oldSecret = call("GET", secrets, key, null).get("webhookSecrets").get(0).get("secretId").asText();
        assertEquals(201, call("POST", secrets, key, null).status());
        Answer retired = call("POST", secrets + "/" + oldSecret + "/retire", key, object("afterMinutes", 60));
        assertEquals(200, retired.status(), retired.toString());
        denied.addAll(deniedTo("AdminFunction", IamCallRecorder.take()));

        // Ingest: Nector's webhook.
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        denied.addAll(deniedTo("IngestFunction", IamCallRecorder.take()));

        // Zoko's delivery function drains its queue.
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        // ... and a delivery Zoko answers 500: the retry's delay is set on the message.
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(500)));
        List<IamCallRecorder.Call> delivered = IamCallRecorder.take();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        IamCallRecorder.take();
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        delivered.addAll(IamCallRecorder.take());
        AdminScenario.providersAccept();
        // ... and a sent delivery whose outcome the store will not take: a copy of the job carries it back to the queue.
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        IamCallRecorder.take();
        dev.loyaltyrelay.support.DynamoFaults.inject(dev.loyaltyrelay.support.DynamoFaults.updateOf("DELIVERY#", "providerMessageId"),
                dev.loyaltyrelay.support.DynamoFaults.When.BEFORE_SENDING, 1_000_000);
        try {
            AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        } finally {
            dev.loyaltyrelay.support.DynamoFaults.clear();
        }
        List<IamCallRecorder.Call> carried = IamCallRecorder.take();
        // ... and a delivery Zoko refuses with Meta's 131050: the recipient's opt-out is recorded by the delivery function.
        AdminScenario.providersAccept();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withBody("{\"error\":{\"code\":131050,\"message\":\"user stopped marketing messages\"}}")));
        Queues.purgeAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        IamCallRecorder.take();
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        carried.addAll(IamCallRecorder.take());
        AdminScenario.providersAccept();
        assertTrue(carried.stream().anyMatch(c -> c.action().equals("sqs:SendMessage") && resourceOf(c.resource()).equals("ZokoQueue.Arn")),
                "the outcome was carried by a copy of the job: " + carried);
        delivered.addAll(carried);
        Queues.purgeAll();
        assertTrue(delivered.stream().anyMatch(c -> c.action().equals("events:PutEvents")), "Zoko's function published the opt-out: " + delivered);
        denied.addAll(deniedTo("ZokoFunction", delivered));

        // The receipts function: Zoko posts a receipt for a message it accepted, and a customer's STOP.
        String receiptUrl = initialized.get("receipts").get("url").asText();
        // Every message Zoko accepted here was answered as zk-1 (AdminScenario.providersAccept).
        String messageId = "zk-1";
        IamCallRecorder.take();
        // Failures reported after the send flag the mapping (a refused template) and the integration (a refused account);
        // each applies to a delivery with no receipt yet (every message here was zk-1), then a read and a STOP.
        for (String body : List.of(
                "{\"event\":\"message:delivery:update\",\"id\":\"zk-1\",\"deliveryStatus\":\"failed\",\"details\":{\"message\":\"(#132016) paused\"}}",
                "{\"event\":\"message:delivery:update\",\"id\":\"zk-1\",\"deliveryStatus\":\"failed\",\"details\":{\"message\":\"(#131031) locked\"}}",
                "{\"event\":\"message:delivery:update\",\"id\":\"" + messageId + "\",\"deliveryStatus\":\"read\"}",
                "{\"event\":\"message:user:in\",\"platformSenderId\":\"919876543211\",\"text\":\"STOP\"}")) {
            var event = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent();
            event.setRawPath(java.net.URI.create(receiptUrl).getPath());
            event.setBody(body);
            assertEquals(200, receipts.handleRequest(event, null).getStatusCode());
        }
        List<IamCallRecorder.Call> receiptCalls = IamCallRecorder.take();
        assertTrue(receiptCalls.stream().anyMatch(c -> c.action().equals("events:PutEvents")), "the receipts published: " + receiptCalls);
        denied.addAll(deniedTo("ReceiptsFunction", receiptCalls));


        // Admin again: resend, dead letters, held-event replay, erasure.
        var sample = Webhooks.load("ingest-walletreward_create.json");
        held.hold(new HeldEvent(merchantId, "nd-held-iam", "walletreward_create", "schema_violation", "amount: type",
                Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", "nd-held-iam"), sample.get("body").asText(), clock.instant()));
        IamCallRecorder.take();
        String deliveryId = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "sent")).get("deliveries").get(0).get("deliveryId").asText();
        assertEquals(202, call("POST", merchants(merchantId) + "/deliveries/" + deliveryId + "/resend", key, null).status());
        var aws = LocalAws.get();
        var resent = Queues.drain(BuiltIn.ZOKO);
        assertEquals(1, resent.size());
        aws.sqs.sendMessage(r -> r.queueUrl(aws.deadLetterQueueUrls.get(BuiltIn.ZOKO)).messageBody(resent.get(0).body()));
        aws.sqs.sendMessage(r -> r.queueUrl(aws.deadLetterQueueUrls.get(BuiltIn.ZOKO)).messageBody("not a job"));
        Answer redriven = operator("POST", "/v1/admin/providers/zoko/dead-letters/redrive", object("max", 10));
        assertEquals(200, redriven.status(), redriven.toString());
        assertEquals(200, call("GET", merchants(merchantId) + "/events/nd-held-iam", key, null).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/held-events/replay", key, null).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/consent/opt-in", key, object("channel", "WHATSAPP", "mobile", "9876543210")).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/consent/opt-out", key, object("channel", "SMS", "mobile", "9876543212")).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/consent/bulk", key, object("action", "opt_out",
                "csv", "channel,mobile\nWHATSAPP,9876543210\nSMS,9876543211\n")).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", "9876543210")).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test", key,
                object("mobile", "9876543210")).status());
        assertEquals(200, call("POST", merchants(merchantId) + "/customers/erase", key, object("mobile", "9876543210")).status());
        List<IamCallRecorder.Call> adminCalls = IamCallRecorder.take();
        assertTrue(adminCalls.stream().anyMatch(c -> c.action().equals("events:PutEvents")), "the admin function published the opt-out: " + adminCalls);
        denied.addAll(deniedTo("AdminFunction", adminCalls));
        Queues.purgeAll();

        // The figures function projects the records' changes (the stream itself is read by Lambda's event source).
        dev.loyaltyrelay.support.FiguresStream.project(figures);
        denied.addAll(deniedTo("FiguresFunction", IamCallRecorder.take()));

        assertTrue(denied.isEmpty(), "calls template.yaml's roles do not allow (AccessDenied in AWS):\n" + String.join("\n", new TreeSet<>(denied)));
    }

    // ---- the template's policies ----------------------------------------------------------------------------

    record Statement(List<String> actions, List<String> resources) {
    }

    @SuppressWarnings("unchecked")
    static List<Statement> statementsOf(String functionLogicalId) {
        Map<String, Object> function = TEMPLATE.properties(functionLogicalId);
        List<Map<String, Object>> raw = new ArrayList<>();
        if (function.get("Role") != null) {
            String role = function.get("Role").toString().replace(".Arn", "");
            for (Map<String, Object> policy : (List<Map<String, Object>>) TEMPLATE.properties(role).get("Policies")) {
                raw.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement"));
            }
        } else {
            for (Map<String, Object> policy : (List<Map<String, Object>>) function.get("Policies")) {
                raw.addAll((List<Map<String, Object>>) policy.get("Statement"));
            }
        }
        return raw.stream().filter(s -> "Allow".equals(s.get("Effect")))
                .map(s -> new Statement(list(s.get("Action")), list(s.get("Resource")).stream()
                        .map(r -> r.replace("${", "").replace("}", "")).toList()))
                .toList();
    }

    private static List<String> list(Object value) {
        return value instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of(String.valueOf(value));
    }

    /** The template's name (X.Arn, X.Arn/index/...) of a table, index or queue the SDK request named. */
    static String resourceOf(String named) {
        Map<String, String> names = new HashMap<>();
        names.put(LocalAws.CONFIG_TABLE, "ConfigTable.Arn");
        names.put(LocalAws.RECORDS_TABLE, "RecordsTable.Arn");
        for (Provider provider : BuiltIn.ALL) {
            String queue = TemplateResources.queueLogicalId(BuiltIn.profile(provider));
            names.put(LocalAws.get().queueUrls.get(provider), queue + ".Arn");
            names.put(LocalAws.get().deadLetterQueueUrls.get(provider), queue.replace("Queue", "DeadLetterQueue") + ".Arn");
        }
        // The template's bus is its EventBusName parameter; the tests' bus stands for it.
        names.put("event-bus/" + dev.loyaltyrelay.support.EventBridgeStub.BUS,
                "arn:AWS::Partition:events:AWS::Region:AWS::AccountId:event-bus/EventBusName");
        int index = named.indexOf("/index/");
        String base = index < 0 ? named : named.substring(0, index);
        String mapped = names.getOrDefault(base, "UNKNOWN(" + base + ")");
        return index < 0 ? mapped : mapped + named.substring(index);
    }

    static List<String> deniedTo(String functionLogicalId, List<IamCallRecorder.Call> calls) {
        assertTrue(calls.stream().anyMatch(c -> c.action().startsWith("dynamodb:")), functionLogicalId + ": its calls were recorded: " + calls);
        System.out.println("IAM " + functionLogicalId + " " + new TreeSet<>(calls.stream().map(c -> c.action() + " " + resourceOf(c.resource())).toList()));
        List<Statement> statements = statementsOf(functionLogicalId);
        List<String> denied = new ArrayList<>();
        for (IamCallRecorder.Call call : calls) {
            String resource = resourceOf(call.resource());
            boolean allowed = statements.stream().anyMatch(s -> s.actions().contains(call.action())
                    && s.resources().stream().anyMatch(r -> r.equals(resource) || r.endsWith("*") && resource.startsWith(r.substring(0, r.length() - 1))));
            if (!allowed) {
                denied.add(functionLogicalId + ": " + call.action() + " on " + resource);
            }
        }
        return denied;
    }
}

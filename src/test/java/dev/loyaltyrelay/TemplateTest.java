package dev.loyaltyrelay;

import dev.loyaltyrelay.support.BuiltIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What template.yaml and samconfig.toml must declare; the tables and queues are created from it in the tests too. */
class TemplateTest {

    final TemplateResources template = TemplateResources.read(Path.of("template.yaml"));

    @Test
    void declaresBothTables_aQueueAndDeadLetterQueuePerProvider_andTheIngestFunction() {
        assertEquals(List.of("ConfigTable", "RecordsTable"), template.logicalIdsOf("AWS::DynamoDB::Table"));
        assertEquals(BuiltIn.ALL.size() * 2, template.logicalIdsOf("AWS::SQS::Queue").size());
        assertTrue(template.logicalIdsOf("AWS::Serverless::Function").contains("IngestFunction"));
        assertEquals(List.of("HttpApi"), template.logicalIdsOf("AWS::Serverless::HttpApi"));
    }

    @Test
    void ingestFunction_isSelectedByHandlerName_andGetsEveryQueue() throws Exception {
        String text = Files.readString(Path.of("template.yaml"));
        assertTrue(text.contains("QUARKUS_LAMBDA_HANDLER: ingest"));
        for (Provider provider : BuiltIn.ALL) {
            assertTrue(text.contains(provider.key().toUpperCase() + "_QUEUE_URL"), provider + " queue URL");
        }
        assertTrue(text.contains("Path: /v1/webhooks/nector/{merchantId}"));
    }

    static String className(Provider provider) {
        return TemplateResources.queueLogicalId(BuiltIn.profile(provider)).replace("Queue", "");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachProvider_hasItsDeliveryFunction_onItsOwnQueue_reportingBatchItemFailures() {
        for (Provider provider : BuiltIn.ALL) {
            String name = className(provider);
            Map<String, Object> function = template.properties(name + "Function");
            Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
            assertEquals("delivery", variables.get("QUARKUS_LAMBDA_HANDLER"), name);
            assertEquals(provider.key(), variables.get("RELAY_DELIVERY_PROVIDER"), name);
            assertEquals(name + "Queue", variables.get(provider.key().toUpperCase() + "_QUEUE_URL"));
            assertEquals(name + "DeadLetterQueue", variables.get(provider.key().toUpperCase() + "_DLQ_URL"));

            Map<String, Object> source = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) function.get("Events")).get("Jobs")).get("Properties");
            assertEquals("SQS", ((Map<String, Object>) ((Map<String, Object>) function.get("Events")).get("Jobs")).get("Type"));
            assertEquals(name + "Queue.Arn", source.get("Queue"));
            assertEquals(List.of("ReportBatchItemFailures"), source.get("FunctionResponseTypes"));
            assertEquals(10, source.get("BatchSize"));
            assertTrue(source.containsKey("MaximumBatchingWindowInSeconds"));
            assertEquals(name + "MaxConcurrency", ((Map<String, Object>) source.get("ScalingConfig")).get("MaximumConcurrency"));

            int timeout = (Integer) function.get("Timeout");
            Map<String, Object> queue = template.properties(name + "Queue");
            assertTrue((Integer) queue.get("VisibilityTimeout") >= 6 * timeout, name + ": visibility at least six times the timeout");
            int receiveLimit = (Integer) ((Map<String, Object>) queue.get("RedrivePolicy")).get("maxReceiveCount");
            assertTrue(receiveLimit > pipelineReceiveLimit(), name + ": the pipeline gives a delivery up (with its reason) before SQS would");
        }
    }

    /** {@code relay.delivery.max-receives} as the functions run with it (the default; application.properties leaves it). */
    static int pipelineReceiveLimit() {
        try {
            return Integer.parseInt(dev.loyaltyrelay.config.RelayConfig.Delivery.class.getMethod("maxReceives")
                    .getAnnotation(io.smallrye.config.WithDefault.class).value());
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachDeliveryFunctionsRole_reachesOnlyItsQueue_itsDeadLetterQueue_theTables_andTheKey() {
        for (Provider provider : BuiltIn.ALL) {
            String name = className(provider);
            assertEquals(name + "FunctionRole.Arn", template.properties(name + "Function").get("Role"));
            var statements = new java.util.ArrayList<Map<String, Object>>();
            for (Map<String, Object> policy : (List<Map<String, Object>>) template.properties(name + "FunctionRole").get("Policies")) {
                statements.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement"));
            }
            var allowed = java.util.Set.of(name + "Queue.Arn", name + "DeadLetterQueue.Arn", "ConfigTable.Arn", "RecordsTable.Arn",
                    "SecretsKey.Arn", name + "LogGroup.Arn");
            for (Map<String, Object> statement : statements) {
                Object resource = statement.get("Resource");
                List<Object> resources = resource instanceof List<?> list ? (List<Object>) list : List.of(resource);
                for (Object each : resources) {
                    assertTrue(allowed.contains(each), name + " role reaches " + each);
                }
                List<Object> actions = statement.get("Action") instanceof List<?> list ? (List<Object>) list : List.of(statement.get("Action"));
                boolean sqs = actions.stream().anyMatch(a -> a.toString().startsWith("sqs:"));
                if (sqs) {
                    assertTrue(resources.stream().allMatch(r -> r.toString().startsWith(name)), name + " SQS statement reaches another queue");
                }
            }
        }
    }

    @Test
    void samconfig_hasOneEnvPerStage() throws Exception {
        String samconfig = Files.readString(Path.of("samconfig.toml"));
        for (String stage : List.of("dev", "staging", "prod")) {
            assertTrue(samconfig.contains("[" + stage + ".deploy.parameters]"), stage);
            assertTrue(samconfig.contains("Stage=" + stage), stage);
        }
    }
}

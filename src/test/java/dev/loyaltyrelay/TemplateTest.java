package dev.loyaltyrelay;

import dev.loyaltyrelay.support.BuiltIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateExpander;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.support.TemplateFunctions;
import dev.loyaltyrelay.support.TemplateFunctions.Intrinsic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    @SuppressWarnings("unchecked")
    void ingestFunction_isSelectedByHandlerName_onTheWebhookRoute() {
        Map<String, Object> ingest = template.properties("IngestFunction");
        assertEquals("ingest", ((Map<String, Object>) ((Map<String, Object>) ingest.get("Environment")).get("Variables")).get("QUARKUS_LAMBDA_HANDLER"));
        Map<String, Object> route = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ingest.get("Events")).get("NectorWebhook")).get("Properties");
        assertEquals("/v1/webhooks/nector/{merchantId}", route.get("Path"));
    }

    @Test
    void everyFunction_isGivenEveryProvidersQueueAndDeadLetterQueue() {
        List<TemplateFunctions.Function> functions = TemplateFunctions.read(Path.of("template.yaml")).functions();
        assertEquals(9, functions.size());
        for (TemplateFunctions.Function function : functions) {
            for (Provider provider : BuiltIn.ALL) {
                String name = className(provider);
                String variable = provider.key().toUpperCase(java.util.Locale.ROOT);
                assertEquals(new Intrinsic("Ref", name + "Queue"), function.environment().get(variable + "_QUEUE_URL"), function.logicalId());
                assertEquals(new Intrinsic("Ref", name + "DeadLetterQueue"), function.environment().get(variable + "_DLQ_URL"), function.logicalId());
            }
        }
    }

    /**
     * Adding a provider to template.yaml: a row of Mappings.Providers, its name in the two loops' lists, its
     * MaxConcurrency parameter, its two URLs in Globals (checked above) and its queues in ingest's and admin's policies.
     * This fails on the one that was forgotten.
     */
    @Test
    @SuppressWarnings("unchecked")
    void eachProvider_isAMappingRow_inBothLoops_withItsParameter_andInIngestsAndAdminsPolicies() throws Exception {
        Map<String, Object> written;
        try (var reader = Files.newBufferedReader(Path.of("template.yaml"))) {
            written = TemplateExpander.parse(reader);
        }
        Set<String> names = BuiltIn.ALL.stream().map(TemplateTest::className).collect(Collectors.toSet());
        Map<String, Object> rows = (Map<String, Object>) ((Map<String, Object>) written.get("Mappings")).get("Providers");
        assertEquals(names, rows.keySet());
        for (Provider provider : BuiltIn.ALL) {
            assertEquals(Map.of("Key", provider.key()), rows.get(className(provider)), provider.key());
        }
        assertEquals(names, Set.copyOf(loopCollection(written, "Resources", "ProviderResources")));
        assertEquals(names, Set.copyOf(loopCollection(written, "Outputs", "ProviderQueueUrls")));
        Map<String, Object> parameters = (Map<String, Object>) written.get("Parameters");
        names.forEach(name -> assertTrue(parameters.containsKey(name + "MaxConcurrency"), name + "MaxConcurrency"));

        Set<String> queues = names.stream().map(name -> name + "Queue.Arn").collect(Collectors.toSet());
        Set<String> deadLetterQueues = names.stream().map(name -> name + "DeadLetterQueue.Arn").collect(Collectors.toSet());
        assertEquals(queues, statementResources("IngestFunction", "EnqueueDeliveryJobs"));
        assertEquals(queues, statementResources("AdminFunction", "RequeueResendReplay"));
        assertEquals(deadLetterQueues, statementResources("AdminFunction", "CountAndRedriveDeadLetters"));
    }

    @SuppressWarnings("unchecked")
    static List<Object> loopCollection(Map<String, Object> written, String section, String loop) {
        return (List<Object>) ((List<Object>) ((Map<String, Object>) written.get(section)).get("Fn::ForEach::" + loop)).get(1);
    }

    @SuppressWarnings("unchecked")
    Set<Object> statementResources(String function, String sid) {
        for (Map<String, Object> policy : (List<Map<String, Object>>) template.properties(function).get("Policies")) {
            for (Map<String, Object> statement : (List<Map<String, Object>>) policy.get("Statement")) {
                if (sid.equals(statement.get("Sid"))) {
                    return Set.copyOf((List<Object>) statement.get("Resource"));
                }
            }
        }
        throw new AssertionError(function + " has no statement " + sid);
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
                    "SecretsKey.Arn", name + "LogGroup.Arn",
                    // The merchant's event bus (operational events): not a queue, table or key of another provider.
                    "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}");
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
            String section = samconfig.substring(samconfig.indexOf("[" + stage + ".deploy.parameters]")).split("\n\n")[0];
            // The loops: the SAM CLI expands them only when asked to; CloudFormation's transform is acknowledged.
            assertTrue(section.contains("language_extensions = true"), stage);
            assertTrue(section.contains("capabilities = \"CAPABILITY_IAM CAPABILITY_AUTO_EXPAND\""), stage);
        }
    }
}

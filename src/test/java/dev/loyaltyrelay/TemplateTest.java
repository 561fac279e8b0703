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
        // Every function has its own role (FunctionRolesWithoutWildcardsTest): its statements are the role's.
        String role = String.valueOf(template.properties(function).get("Role")).replace(".Arn", "");
        for (Map<String, Object> policy : (List<Map<String, Object>>) template.properties(role).get("Policies")) {
            for (Map<String, Object> statement : (List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement")) {
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

    // ---- operations: data safety, access logs, alarms, dashboard ---------------------------------------------------

    static final String RUNBOOK = "https://github.com/loyalty-relay/loyalty-relay/blob/main/docs/runbook.md#";
    static final List<String> OTHER_FUNCTIONS = List.of("Ingest", "Admin", "Receipts", "Figures");

    @SuppressWarnings("unchecked")
    static Map<String, Object> expandedResource(String logicalId) {
        Map<String, Object> resources = (Map<String, Object>) TemplateExpander.read(Path.of("template.yaml")).get("Resources");
        return (Map<String, Object>) java.util.Objects.requireNonNull(resources.get(logicalId), logicalId);
    }

    @Test
    void bothTables_areRetained_withPointInTimeRecovery_andTheRecordsExpire() {
        for (String table : List.of("ConfigTable", "RecordsTable")) {
            Map<String, Object> resource = expandedResource(table);
            assertEquals("Retain", resource.get("DeletionPolicy"), table);
            assertEquals("Retain", resource.get("UpdateReplacePolicy"), table);
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true), template.properties(table).get("PointInTimeRecoverySpecification"), table);
        }
        assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true), template.properties("RecordsTable").get("TimeToLiveSpecification"));
        assertEquals(true, template.properties("SecretsKey").get("EnableKeyRotation"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunction_knowsItsStage() {
        Map<String, Object> globals = (Map<String, Object>) TemplateExpander.read(Path.of("template.yaml")).get("Globals");
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) globals.get("Function"))
                .get("Environment")).get("Variables");
        assertEquals(Map.of("Ref", "Stage"), variables.get("RELAY_STAGE"));
    }

    /** Access logs name the route, never the path: the receipts route's last segment is a secret. */
    @Test
    @SuppressWarnings("unchecked")
    void theHttpApi_logsEachRequestAsJson_byRouteKey_toItsOwnLogGroupWithRetention() throws Exception {
        Map<String, Object> settings = (Map<String, Object>) template.properties("HttpApi").get("AccessLogSettings");
        assertEquals("ApiAccessLogGroup.Arn", settings.get("DestinationArn"));
        assertEquals("AWS::Logs::LogGroup", expandedResource("ApiAccessLogGroup").get("Type"));
        assertEquals("LogRetentionDays", template.properties("ApiAccessLogGroup").get("RetentionInDays"));

        String format = (String) settings.get("Format");
        Map<String, Object> fields = new com.fasterxml.jackson.databind.ObjectMapper().readValue(format, Map.class);
        assertEquals("$context.routeKey", fields.get("routeKey"));
        for (String field : List.of("requestId", "status", "responseLatency", "integrationError", "sourceIp")) {
            assertTrue(fields.containsKey(field), field);
        }
        for (Object value : fields.values()) {
            String variable = (String) value;
            assertTrue(variable.matches("\\$context\\.[A-Za-z.]+"), "one variable per field: " + variable);
            assertTrue(!variable.startsWith("$context.path") && !variable.startsWith("$context.request.") && !variable.contains("querystring")
                    && !variable.startsWith("$context.authorizer"), "no path, query string or caller data: " + variable);
            assertTrue(!variable.startsWith("$context.identity.") || variable.equals("$context.identity.sourceIp"), variable);
        }
    }

    /** Every alarm notifies the alarm topic (given, or the stack's own) when it fires and when it is OK again, and links its runbook section. */
    @Test
    @SuppressWarnings("unchecked")
    void everyAlarm_notifiesTheAlarmTopic_andLinksItsRunbookSection() {
        List<String> alarms = template.logicalIdsOf("AWS::CloudWatch::Alarm");
        int perProvider = 7;
        assertEquals(BuiltIn.ALL.size() * perProvider + OTHER_FUNCTIONS.size() * 2 + 2, alarms.size(), alarms.toString());
        Object topic = List.of(List.of("CreateAlarmTopic", "AlarmTopic", "AlarmTopicArn"));
        var names = new java.util.HashSet<Object>();
        for (String alarm : alarms) {
            Map<String, Object> properties = template.properties(alarm);
            assertEquals(topic, properties.get("AlarmActions"), alarm);
            assertEquals(topic, properties.get("OKActions"), alarm);
            assertEquals("notBreaching", properties.get("TreatMissingData"), alarm);
            Object description = properties.get("AlarmDescription");
            String text = (String) (description instanceof List<?> sub ? sub.getFirst() : description);
            assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(RUNBOOK) + "[a-z0-9-]+").matcher(text).find(), alarm + ": " + text);
            assertTrue(text.length() < 1024, alarm + ": AlarmDescription is at most 1024 characters");
            assertTrue(names.add(properties.get("AlarmName").toString()), alarm + ": names are unique");
        }
        assertEquals("CreateAlarmTopic", expandedResource("AlarmTopic").get("Condition"));
        assertEquals("SubscribeAlarmEmail", expandedResource("AlarmEmailSubscription").get("Condition"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachDeadLetterQueue_hasAnAlarmOnItsDepth() {
        for (Provider provider : BuiltIn.ALL) {
            String name = className(provider);
            Map<String, Object> alarm = template.properties(name + "DeadLetterQueueAlarm");
            assertEquals("AWS/SQS", alarm.get("Namespace"));
            assertEquals("ApproximateNumberOfMessagesVisible", alarm.get("MetricName"));
            assertEquals(List.of(Map.of("Name", "QueueName", "Value", name + "DeadLetterQueue.QueueName")), alarm.get("Dimensions"));
            assertEquals(0, alarm.get("Threshold"));
            assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator"));

            // The queue's age, counted only while jobs wait to be taken (a deferred or retried job is invisible but aged).
            Map<String, Object> age = template.properties(name + "QueueAgeAlarm");
            String metrics = age.get("Metrics").toString();
            assertTrue(metrics.contains("MetricName=ApproximateAgeOfOldestMessage") && metrics.contains("MetricName=ApproximateNumberOfMessagesVisible")
                    && metrics.contains("Expression=IF(waiting > 0, age, 0)") && metrics.contains("{Name=QueueName, Value=" + name + "Queue.QueueName}"), metrics);
            assertEquals("QueueAgeAlarmSeconds", age.get("Threshold"));
            assertEquals(3, age.get("EvaluationPeriods"));
        }
    }

    @Test
    void everyFunction_hasAnErrorsAndAThrottlesAlarm() {
        List<String> functions = template.logicalIdsOf("AWS::Serverless::Function");
        assertEquals(9, functions.size());
        for (String function : functions) {
            for (String metric : List.of("Errors", "Throttles")) {
                Map<String, Object> alarm = template.properties(function + metric + "Alarm");
                assertEquals("AWS/Lambda", alarm.get("Namespace"), function);
                assertEquals(metric, alarm.get("MetricName"), function);
                assertEquals(List.of(Map.of("Name", "FunctionName", "Value", function)), alarm.get("Dimensions"), function);
                assertEquals(0, alarm.get("Threshold"), function);
            }
        }
    }

    /**
     * The delivery-outcome and breaker alarms read our EMF metrics by one exact dimension set (an alarm cannot SEARCH):
     * what the metrics code must emit. DeliveryOutcome: [stage, function, provider, status]; ProviderBreakerOpened:
     * [stage, function, provider]; stage = RELAY_STAGE, function = the handler's role, delivery-<key> (EmfMetrics.functionOf).
     * ZokoFunctionTest checks that a delivery function publishes these very sets.
     */
    @Test
    @SuppressWarnings("unchecked")
    void eachProvider_hasRateAndBreakerAlarms_onOurMetricsExactDimensionSets() {
        for (Provider provider : BuiltIn.ALL) {
            String name = className(provider);
            var base = List.of(Map.of("Name", "stage", "Value", "Stage"), Map.of("Name", "function", "Value", List.of("delivery-${Key}", Map.of("Key", provider.key()))),
                    Map.of("Name", "provider", "Value", provider.key()));
            for (String rate : List.of("Rejected", "Unknown")) {
                List<Map<String, Object>> metrics = (List<Map<String, Object>>) template.properties(name + rate + "RateAlarm").get("Metrics");
                var statuses = new java.util.TreeSet<String>();
                for (Map<String, Object> metric : metrics) {
                    if (metric.containsKey("MetricStat")) {
                        Map<String, Object> stat = (Map<String, Object>) ((Map<String, Object>) metric.get("MetricStat")).get("Metric");
                        assertEquals("LoyaltyRelay", stat.get("Namespace"));
                        assertEquals("DeliveryOutcome", stat.get("MetricName"));
                        List<Map<String, Object>> dimensions = (List<Map<String, Object>>) stat.get("Dimensions");
                        assertEquals(base, dimensions.subList(0, 3), name + rate);
                        assertEquals("status", dimensions.get(3).get("Name"));
                        statuses.add((String) dimensions.get(3).get("Value"));
                        assertEquals(false, metric.get("ReturnData"));
                    }
                }
                assertEquals(new java.util.TreeSet<>(List.of("SENT", "REJECTED", "UNKNOWN", "EXHAUSTED")), statuses, name + rate);
                assertEquals(1, metrics.stream().filter(m -> Boolean.TRUE.equals(m.get("ReturnData"))).count(), name + rate);
                assertTrue(metrics.stream().filter(m -> Boolean.TRUE.equals(m.get("ReturnData"))).findFirst().orElseThrow()
                        .get("Expression").toString().contains(rate.toLowerCase(java.util.Locale.ROOT)), name + rate);
            }
            Map<String, Object> breaker = template.properties(name + "BreakerOpenAlarm");
            assertEquals("LoyaltyRelay", breaker.get("Namespace"));
            assertEquals("ProviderBreakerOpened", breaker.get("MetricName"));
            assertEquals(base, breaker.get("Dimensions"));
        }
    }

    @Test
    void theHttpApi_hasServerAndClientErrorRateAlarms() {
        for (String alarm : List.of("ApiServerErrorRateAlarm", "ApiClientErrorRateAlarm")) {
            String metrics = template.properties(alarm).get("Metrics").toString();
            assertTrue(metrics.contains("Namespace=AWS/ApiGateway") && metrics.contains("MetricName=Count")
                    && metrics.contains("{Name=ApiId, Value=HttpApi}"), alarm + ": " + metrics);
        }
        assertTrue(template.properties("ApiServerErrorRateAlarm").get("Metrics").toString().contains("MetricName=5xx"));
        assertTrue(template.properties("ApiClientErrorRateAlarm").get("Metrics").toString().contains("MetricName=4xx"));
    }

    /** The dashboard body is JSON once !Sub has filled it in, and shows every provider's queue, dead-letter queue and function. */
    @Test
    @SuppressWarnings("unchecked")
    void theDashboard_isJson_andShowsEveryProvidersQueues_andEveryFunction() throws Exception {
        String body = (String) template.properties("Dashboard").get("DashboardBody");
        // As !Sub renders it: ${X} is a value, ${!X} the literal ${X} (CloudWatch's dynamic labels).
        String rendered = body.replaceAll("\\$\\{(?!!)[A-Za-z0-9:.]+\\}", "value").replace("${!", "${");
        Map<String, Object> dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readValue(rendered, Map.class);
        assertTrue(((List<Object>) dashboard.get("widgets")).size() >= 10);
        for (Provider provider : BuiltIn.ALL) {
            String name = className(provider);
            for (String reference : List.of(name + "Queue.QueueName", name + "DeadLetterQueue.QueueName", name + "Function")) {
                assertTrue(body.contains("${" + reference + "}"), reference);
            }
        }
        for (String function : OTHER_FUNCTIONS) {
            assertTrue(body.contains("${" + function + "Function}"), function);
        }
        for (String status : List.of("SENT", "REJECTED", "SUPPRESSED", "DEFERRED", "UNKNOWN", "EXHAUSTED")) {
            assertTrue(body.contains("status=\\\"" + status + "\\\""), status);
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

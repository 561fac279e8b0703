package dev.loyaltyrelay.local;

import dev.loyaltyrelay.domain.ProviderProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the DynamoDB tables and SQS queues that {@code template.yaml} declares, in DynamoDB Local and the
 * embedded SQS server: the template is the one definition, used by AWS, the tests and the local run alike. It reads
 * the template as {@link TemplateExpander} expands it (no loop left). Not part of any Lambda function (its YAML parser
 * is a {@code provided} dependency).
 */
public final class TemplateResources {

    private final Map<String, Map<String, Object>> resources;

    private TemplateResources(Map<String, Map<String, Object>> resources) {
        this.resources = resources;
    }

    /** The template's resources, expanded by {@link TemplateExpander}, with each intrinsic read as its argument (see {@link #properties}). */
    @SuppressWarnings("unchecked")
    public static TemplateResources read(Path template) {
        Map<String, Object> resources = (Map<String, Object>) plain(TemplateExpander.read(template).get("Resources"));
        return new TemplateResources((Map<String, Map<String, Object>>) (Map<String, ?>) resources);
    }

    /**
     * A value of the expanded template with each intrinsic read as its argument: {@code {Ref: X}} as {@code X},
     * {@code {Fn::GetAtt: [X, Arn]}} as {@code X.Arn}, {@code {Fn::Sub: s}} as {@code s}, {@code {Fn::If: [...]}} as the list.
     */
    private static Object plain(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(TemplateResources::plain).toList();
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (map.size() == 1 && map.keySet().iterator().next() instanceof String function
                && (function.equals("Ref") || function.startsWith("Fn::"))) {
            Object argument = map.values().iterator().next();
            return function.equals("Fn::GetAtt") && argument instanceof List<?> getAtt
                    ? getAtt.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("."))
                    : plain(argument);
        }
        var result = new LinkedHashMap<String, Object>();
        map.forEach((key, entry) -> result.put((String) key, plain(entry)));
        return result;
    }

    /** The logical id in template.yaml of a provider's delivery queue, e.g. {@code ZokoQueue}. */
    public static String queueLogicalId(ProviderProfile provider) {
        return provider.displayName() + "Queue";
    }

    /** Logical ids of the resources of a CloudFormation type, in template order. */
    public List<String> logicalIdsOf(String type) {
        return resources.entrySet().stream().filter(e -> type.equals(e.getValue().get("Type"))).map(Map.Entry::getKey).toList();
    }

    /** The {@code Properties} of a resource; short-form tags read as their argument ({@code !Ref X} as {@code X}). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> properties(String logicalId) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return (Map<String, Object>) resource.get("Properties");
    }

    /** Creates the table {@code logicalId} as declared, under {@code tableName}; an existing table is left as it is. */
    @SuppressWarnings("unchecked")
    /** The filter pattern of a function's first DynamoDB stream event source, as the template writes it. */
    public String streamFilterPattern(String functionLogicalId) {
        for (Object event : ((Map<String, Object>) properties(functionLogicalId).get("Events")).values()) {
            Map<String, Object> source = (Map<String, Object>) event;
            if ("DynamoDB".equals(source.get("Type"))) {
                Map<String, Object> filterCriteria = (Map<String, Object>) ((Map<String, Object>) source.get("Properties")).get("FilterCriteria");
                return (String) ((List<Map<String, Object>>) filterCriteria.get("Filters")).getFirst().get("Pattern");
            }
        }
        throw new IllegalStateException(functionLogicalId + " has no DynamoDB stream event source");
    }

    public void createTable(DynamoDbClient dynamo, String logicalId, String tableName) {
        Map<String, Object> properties = properties(logicalId);
        var attributes = ((List<Map<String, Object>>) properties.get("AttributeDefinitions")).stream()
                .map(a -> AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                        .attributeType((String) a.get("AttributeType")).build()).toList();
        var indexes = new ArrayList<GlobalSecondaryIndex>();
        for (Map<String, Object> index : (List<Map<String, Object>>) properties.getOrDefault("GlobalSecondaryIndexes", List.of())) {
            Map<String, Object> projection = (Map<String, Object>) index.get("Projection");
            indexes.add(GlobalSecondaryIndex.builder().indexName((String) index.get("IndexName"))
                    .keySchema(keySchema((List<Map<String, Object>>) index.get("KeySchema")))
                    .projection(Projection.builder().projectionType((String) projection.get("ProjectionType"))
                            .nonKeyAttributes((List<String>) projection.get("NonKeyAttributes")).build())
                    .build());
        }
        try {
            dynamo.createTable(r -> {
                r.tableName(tableName).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attributes)
                        .keySchema(keySchema((List<Map<String, Object>>) properties.get("KeySchema")));
                if (!indexes.isEmpty()) {
                    r.globalSecondaryIndexes(indexes);
                }
                Map<String, Object> stream = (Map<String, Object>) properties.get("StreamSpecification");
                if (stream != null) {
                    r.streamSpecification(t -> t.streamEnabled(true).streamViewType((String) stream.get("StreamViewType")));
                }
            });
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        Map<String, Object> ttl = (Map<String, Object>) properties.get("TimeToLiveSpecification");
        if (ttl != null && Boolean.TRUE.equals(ttl.get("Enabled"))) {
            dynamo.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(t -> t.attributeName((String) ttl.get("AttributeName")).enabled(true)));
        }
    }

    /**
     * Creates the queue {@code logicalId} under {@code queueName}, with its visibility timeout, and, if the
     * template gives it a redrive policy, the dead-letter queue it names under {@code dlqName}.
     *
     * @return the queue's URL
     */
    @SuppressWarnings("unchecked")
    public String createQueue(SqsClient sqs, String logicalId, String queueName, String dlqName) {
        Map<String, Object> properties = properties(logicalId);
        var attributes = new LinkedHashMap<QueueAttributeName, String>();
        Object visibility = properties.get("VisibilityTimeout");
        if (visibility != null) {
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, visibility.toString());
        }
        Map<String, Object> redrive = (Map<String, Object>) properties.get("RedrivePolicy");
        if (redrive != null) {
            String dlqUrl = sqs.createQueue(r -> r.queueName(dlqName)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            attributes.put(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + redrive.get("maxReceiveCount") + "\"}");
        }
        return sqs.createQueue(r -> r.queueName(queueName).attributes(attributes)).queueUrl();
    }

    private static List<KeySchemaElement> keySchema(List<Map<String, Object>> elements) {
        return elements.stream().map(k -> KeySchemaElement.builder().attributeName((String) k.get("AttributeName"))
                .keyType((String) k.get("KeyType")).build()).toList();
    }
}

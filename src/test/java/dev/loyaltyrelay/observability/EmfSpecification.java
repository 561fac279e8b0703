package dev.loyaltyrelay.observability;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a document must be to be read as metrics, after "Specification: Embedded metric format" (Amazon CloudWatch user
 * guide, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * the root is an object with {@code _aws}, whose {@code Timestamp} is a number (milliseconds since the epoch) and whose
 * {@code CloudWatchMetrics} is an array of metric directives; a directive has a string {@code Namespace}, {@code Dimensions}
 * an array of dimension sets (arrays of strings, at most 30 each) and {@code Metrics} an array of at most 100 metric
 * definitions, each a string {@code Name} and, where given, a {@code Unit} of CloudWatch's list. Every member a directive
 * names (dimension or metric) must be on the root: a dimension's value a string, a metric's value a number or an array
 * of at most 100 numbers. Plus this project's own rules: {@code stage} and {@code function} in every dimension set, no
 * {@code merchant} anywhere.
 */
public final class EmfSpecification {

    /** The units the specification lists (CloudWatch's {@code StandardUnit}). */
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
            "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
            "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
            "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    private EmfSpecification() {
    }

    /** What is wrong with {@code document}; empty when it is a valid EMF document by the rules above. */
    public static List<String> violations(JsonNode document) {
        List<String> wrong = new ArrayList<>();
        if (!document.isObject()) {
            return List.of("the root is not an object");
        }
        JsonNode aws = document.path("_aws");
        if (!aws.isObject()) {
            return List.of("no _aws object");
        }
        if (!aws.path("Timestamp").isNumber()) {
            wrong.add("_aws.Timestamp is not a number");
        } else if (aws.path("Timestamp").asLong() < 1_000_000_000_000L) {
            wrong.add("_aws.Timestamp is not in milliseconds: " + aws.path("Timestamp"));
        }
        JsonNode directives = aws.path("CloudWatchMetrics");
        if (!directives.isArray() || directives.isEmpty()) {
            return add(wrong, "_aws.CloudWatchMetrics is not a non-empty array");
        }
        for (JsonNode directive : directives) {
            if (!directive.path("Namespace").isTextual() || directive.path("Namespace").asText().isEmpty()) {
                wrong.add("a directive without a string Namespace");
            }
            JsonNode dimensionSets = directive.path("Dimensions");
            if (!dimensionSets.isArray()) {
                wrong.add("Dimensions is not an array");
            } else {
                for (JsonNode set : dimensionSets) {
                    checkDimensionSet(document, set, wrong);
                }
            }
            JsonNode metrics = directive.path("Metrics");
            if (!metrics.isArray() || metrics.size() > 100) {
                wrong.add("Metrics is not an array of at most 100: " + metrics.size());
                continue;
            }
            for (JsonNode metric : metrics) {
                checkMetric(document, metric, wrong);
            }
        }
        return wrong;
    }

    private static void checkDimensionSet(JsonNode document, JsonNode set, List<String> wrong) {
        if (!set.isArray() || set.size() > 30) {
            wrong.add("a dimension set is not an array of at most 30 keys: " + set);
            return;
        }
        Set<String> keys = new HashSet<>();
        for (JsonNode key : set) {
            if (!key.isTextual()) {
                wrong.add("a dimension key is not a string: " + key);
                continue;
            }
            keys.add(key.asText());
            if (!document.path(key.asText()).isTextual()) {
                wrong.add("dimension " + key.asText() + " is not a string member of the root");
            }
        }
        if (!keys.contains("stage") || !keys.contains("function")) {
            wrong.add("a dimension set without stage and function: " + set);
        }
        if (keys.contains("merchant")) {
            wrong.add("a merchant dimension: " + set);
        }
    }

    private static void checkMetric(JsonNode document, JsonNode metric, List<String> wrong) {
        if (!metric.path("Name").isTextual()) {
            wrong.add("a metric without a string Name: " + metric);
            return;
        }
        if (metric.has("Unit") && !UNITS.contains(metric.path("Unit").asText())) {
            wrong.add("metric " + metric.path("Name").asText() + " has a unit CloudWatch does not know: " + metric.path("Unit"));
        }
        JsonNode value = document.path(metric.path("Name").asText());
        boolean numbers = value.isArray() && value.size() <= 100 && !value.isEmpty();
        for (JsonNode element : value) {
            numbers &= element.isNumber();
        }
        if (!value.isNumber() && !numbers) {
            wrong.add("metric " + metric.path("Name").asText() + " is not a number (or up to 100) on the root: " + value);
        }
    }

    private static List<String> add(List<String> wrong, String violation) {
        wrong.add(violation);
        return wrong;
    }
}

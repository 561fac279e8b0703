package dev.loyaltyrelay.support;

import dev.loyaltyrelay.local.TemplateExpander;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The functions of {@code template.yaml} as Lambda configures them: the runtime's handler, memory, timeout and
 * environment ({@code Globals.Function} merged with the function's own), read from the template as
 * {@link TemplateExpander} expands it (the same reading as the local run's). Unlike
 * {@link dev.loyaltyrelay.local.TemplateResources}, which reads {@code !Ref X} as plain {@code X}, this keeps each
 * short-form tag as an {@link Intrinsic}, so a literal can never be mistaken for a reference and a caller resolves
 * every reference deliberately.
 */
public final class TemplateFunctions {

    /** A CloudFormation intrinsic function: {@code !Ref X} is {@code Intrinsic("Ref", "X")}. */
    public record Intrinsic(String function, Object argument) {
    }

    /**
     * One {@code AWS::Serverless::Function}.
     *
     * @param memorySize  the MemorySize value (a number or an intrinsic); SAM's default is 128
     * @param environment the variables Lambda sets for it, values as written in the template
     */
    public record Function(String logicalId, Object functionName, Object runtimeHandler, Object memorySize, int timeoutSeconds,
            Map<String, Object> environment) {

        /** The handler the function picks with {@code QUARKUS_LAMBDA_HANDLER}. */
        public String quarkusHandler() {
            return String.valueOf(environment.get("QUARKUS_LAMBDA_HANDLER"));
        }

        /** What the function is: its handler, or for the delivery handler the provider it is given ({@code zoko}). */
        public String role() {
            return "delivery".equals(quarkusHandler()) ? String.valueOf(environment.get("RELAY_DELIVERY_PROVIDER")) : quarkusHandler();
        }
    }

    private final Map<String, Object> root;

    private TemplateFunctions(Map<String, Object> root) {
        this.root = root;
    }

    /** The template as {@link TemplateExpander} expands it, each intrinsic kept as an {@link Intrinsic}. */
    @SuppressWarnings("unchecked")
    public static TemplateFunctions read(Path template) {
        return new TemplateFunctions((Map<String, Object>) intrinsics(TemplateExpander.read(template)));
    }

    /**
     * A value of the expanded template with each intrinsic as an {@link Intrinsic}, named as its short-form tag:
     * {@code {Ref: X}} is {@code Intrinsic("Ref", "X")}, {@code {Fn::GetAtt: [X, Arn]}} is {@code Intrinsic("GetAtt", "X.Arn")},
     * {@code {Fn::Sub: s}} is {@code Intrinsic("Sub", s)}.
     */
    private static Object intrinsics(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(TemplateFunctions::intrinsics).toList();
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (map.size() == 1 && map.keySet().iterator().next() instanceof String function
                && (function.equals("Ref") || function.startsWith("Fn::"))) {
            Object argument = map.values().iterator().next();
            String name = function.equals("Ref") ? function : function.substring("Fn::".length());
            return new Intrinsic(name, name.equals("GetAtt") && argument instanceof List<?> getAtt
                    ? getAtt.stream().map(String::valueOf).collect(Collectors.joining("."))
                    : intrinsics(argument));
        }
        var result = new LinkedHashMap<String, Object>();
        map.forEach((key, entry) -> result.put((String) key, intrinsics(entry)));
        return result;
    }

    /** Every function of the template, in template order. */
    public List<Function> functions() {
        Map<String, Object> globals = map(map(root.get("Globals")).get("Function"));
        Map<String, Object> globalVariables = map(map(globals.get("Environment")).get("Variables"));
        return map(root.get("Resources")).entrySet().stream()
                .filter(resource -> "AWS::Serverless::Function".equals(map(resource.getValue()).get("Type")))
                .map(resource -> {
                    Map<String, Object> properties = map(map(resource.getValue()).get("Properties"));
                    var environment = new LinkedHashMap<>(globalVariables);
                    environment.putAll(map(map(properties.get("Environment")).get("Variables")));
                    Object timeout = properties.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3));
                    return new Function(resource.getKey(), properties.get("FunctionName"),
                            properties.getOrDefault("Handler", globals.get("Handler")),
                            properties.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128)),
                            ((Number) timeout).intValue(), environment);
                }).toList();
    }

    /** A parameter's declared default, or null. */
    public Object parameterDefault(String name) {
        Map<String, Object> parameter = map(map(root.get("Parameters")).get(name));
        return parameter.get("Default");
    }

    public boolean isParameter(String name) {
        return map(root.get("Parameters")).containsKey(name);
    }

    /** A resource's {@code Type}, or null when the template has no such resource. */
    public String resourceType(String logicalId) {
        return (String) map(map(root.get("Resources")).get(logicalId)).get("Type");
    }

    /** A resource's {@code Properties}. */
    public Map<String, Object> resourceProperties(String logicalId) {
        return map(map(map(root.get("Resources")).get(logicalId)).get("Properties"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }
}

package dev.loyaltyrelay.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code template.yaml} as CloudFormation has it once the {@code AWS::LanguageExtensions} transform ran and before
 * the SAM transform runs: the {@code Fn::ForEach} loops of Resources, Outputs and Conditions expanded and each
 * {@code Fn::FindInMap} whose keys are literal looked up. Every Java reader of the template (the local run's
 * {@link TemplateResources}, the tests) reads it through here, so none of them sees a loop.
 *
 * <p>The result is the template in long form: each short-form tag becomes its one-key map ({@code !Ref X} is
 * {@code {Ref: X}}, {@code !GetAtt X.Arn} is {@code {Fn::GetAtt: [X, Arn]}}, {@code !Sub s} is {@code {Fn::Sub: s}}).
 *
 * <p>Of the language extensions it implements what the template uses, as AWS documents it (the {@code Fn::ForEach}
 * reference and RFC 0009 of aws-cloudformation/cfn-language-discussion): a loop is
 * {@code Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]} at the top level of Resources, Outputs
 * or Conditions (or of an enclosing loop's fragment); the collection is a list of strings or a {@code Ref} to a
 * {@code CommaDelimitedList} parameter (its {@code Default}); every output key contains {@code ${Identifier}} or
 * {@code &{Identifier}} (the latter with the item's non-alphanumeric characters dropped); in the output values,
 * {@code {Ref: Identifier}} is the item, {@code ${Identifier}} inside an {@code Fn::Sub} string is replaced, and an
 * {@code Fn::Sub} left without a {@code ${...}} becomes its plain string (so {@code !Ref {Fn::Sub: '${Id}Queue'}} and
 * {@code !GetAtt [!Sub '${Id}Queue', Arn]} name the loop's resource). {@code Fn::FindInMap} with a
 * {@code DefaultValue} is supported.
 *
 * <p>It refuses, with an {@link UnsupportedTemplateException} naming the place, what it does not implement or what
 * implementations disagree on rather than guess: a loop anywhere else (inside a resource's Properties: the SAM CLI
 * expands only a few of those positions), {@code ${Identifier}} in a plain string or a nested key (CloudFormation
 * replaces it only in output keys and {@code Fn::Sub}: write {@code !Sub}), a loop without the transform, an identifier
 * or loop name that is also a parameter or resource, an output key without the identifier, a duplicate or
 * non-alphanumeric logical id, a {@code Ref} or {@code GetAtt} whose target is not a plain name after expansion, a
 * literal {@code Fn::FindInMap} that finds nothing, and {@code Fn::Length}, {@code Fn::ToJsonString} and intrinsic
 * deletion policies. Not part of any Lambda function (its YAML parser is a {@code provided} dependency).
 */
public final class TemplateExpander {

    public static final String LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";
    static final String SERVERLESS = "AWS::Serverless-2016-10-31";
    static final String FOR_EACH = "Fn::ForEach::";
    private static final List<String> LOOP_SECTIONS = List.of("Conditions", "Resources", "Outputs");
    private static final Pattern ALPHANUMERIC = Pattern.compile("[A-Za-z0-9]+");

    /** A construct of the template this expander does not implement, or one it finds invalid. */
    public static final class UnsupportedTemplateException extends IllegalArgumentException {
        public UnsupportedTemplateException(String message) {
            super(message);
        }
    }

    private final Map<String, Object> parameters;
    private final Map<String, Object> mappings;
    private final Set<String> loopNames = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();

    private TemplateExpander(Map<String, Object> template) {
        this.parameters = map(template.get("Parameters"), "Parameters");
        this.mappings = map(template.get("Mappings"), "Mappings");
        reserved.addAll(parameters.keySet());
        for (String section : LOOP_SECTIONS) {
            map(template.get(section), section).keySet().stream().filter(k -> !k.startsWith(FOR_EACH)).forEach(reserved::add);
        }
        for (String section : LOOP_SECTIONS) {
            collectLoopNames(map(template.get(section), section), section);
        }
    }

    /** Each loop's name, once: a name is unique in the template (an inner loop is met once per outer item, so counted here). */
    private void collectLoopNames(Map<String, Object> level, String path) {
        level.forEach((key, value) -> {
            if (key.startsWith(FOR_EACH)) {
                String loopName = key.substring(FOR_EACH.length());
                if (!loopNames.add(loopName)) {
                    throw new UnsupportedTemplateException(path + "." + key + ": the loop name '" + loopName + "' is used by another loop");
                }
                if (value instanceof List<?> loop && loop.size() == 3 && loop.get(2) instanceof Map<?, ?>) {
                    collectLoopNames(map(loop.get(2), key), path + "." + key);
                }
            }
        });
    }

    /** {@code template} read and expanded. */
    public static Map<String, Object> read(Path template) {
        try (Reader reader = Files.newBufferedReader(template)) {
            return expand(parse(reader));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template, e);
        } catch (UnsupportedTemplateException e) {
            throw new UnsupportedTemplateException(template + ": " + e.getMessage());
        }
    }

    /** A template's YAML in long form, not expanded. */
    public static Map<String, Object> parse(Reader yaml) {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object root = new Yaml(new LongFormConstructor(options)).load(yaml);
        return map(root, "the template");
    }

    /** A template (long form, as {@link #parse} gives it) with its language extensions applied; the argument is left as it is. */
    public static Map<String, Object> expand(Map<String, Object> template) {
        boolean loops = containsLoop(template);
        if (loops) {
            requireLanguageExtensions(template.get("Transform"));
        }
        var expander = new TemplateExpander(template);
        var result = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, Object> entry : template.entrySet()) {
            Object value = entry.getValue();
            if (LOOP_SECTIONS.contains(entry.getKey())) {
                Map<String, Object> section = expander.section(map(value, entry.getKey()), entry.getKey(), new ArrayList<>());
                section.keySet().forEach(id -> {
                    if (!ALPHANUMERIC.matcher(id).matches()) {
                        throw new UnsupportedTemplateException(entry.getKey() + ": logical id '" + id + "' is not alphanumeric");
                    }
                });
                value = section;
            }
            result.put(entry.getKey(), expander.resolve(value, entry.getKey()));
        }
        map(result.get("Resources"), "Resources").forEach((id, resource) -> {
            for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                Object value = map(resource, "Resources." + id).get(policy);
                if (value != null && !(value instanceof String)) {
                    throw new UnsupportedTemplateException("Resources." + id + "." + policy + ": only a literal policy is supported, not " + value);
                }
            }
        });
        return result;
    }

    // ---- loops --------------------------------------------------------------------------------------------------

    private record Binding(String identifier, String item) {
    }

    /** A section, or a loop's fragment, with its loops expanded; {@code bound} are the enclosing loops' identifiers. */
    private Map<String, Object> section(Map<String, Object> section, String path, List<String> bound) {
        var result = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            if (!entry.getKey().startsWith(FOR_EACH)) {
                put(result, entry.getKey(), entry.getValue(), path);
                continue;
            }
            String loopPath = path + "." + entry.getKey();
            String loopName = entry.getKey().substring(FOR_EACH.length());
            if (!ALPHANUMERIC.matcher(loopName).matches()) {
                throw new UnsupportedTemplateException(loopPath + ": the loop name must be alphanumeric");
            }
            if (reserved.contains(loopName)) {
                throw new UnsupportedTemplateException(loopPath + ": the loop name '" + loopName + "' is also a parameter or a logical id");
            }
            if (!(entry.getValue() instanceof List<?> loop) || loop.size() != 3) {
                throw new UnsupportedTemplateException(loopPath + ": a loop is [Identifier, Collection, {OutputKey: OutputValue}]");
            }
            if (!(loop.get(0) instanceof String identifier) || !ALPHANUMERIC.matcher(identifier).matches()) {
                throw new UnsupportedTemplateException(loopPath + ": the identifier must be one alphanumeric string, not " + loop.get(0));
            }
            if (parameters.containsKey(identifier) || bound.contains(identifier)) {
                throw new UnsupportedTemplateException(loopPath + ": the identifier '" + identifier
                        + "' is also a parameter's or an enclosing loop's name");
            }
            Map<String, Object> fragment = map(loop.get(2), loopPath + "[2]");
            for (String key : fragment.keySet()) {
                if (!key.startsWith(FOR_EACH) && !key.contains("${" + identifier + "}") && !key.contains("&{" + identifier + "}")) {
                    throw new UnsupportedTemplateException(loopPath + ": the output key '" + key + "' must contain ${" + identifier
                            + "} or &{" + identifier + "}");
                }
            }
            List<String> inner = new ArrayList<>(bound);
            inner.add(identifier);
            for (String item : collection(loop.get(1), loopPath + "[1]")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> substituted = (Map<String, Object>) substitute(fragment, new Binding(identifier, item), true,
                        loopPath + "[" + item + "]");
                section(substituted, path, inner).forEach((key, value) -> put(result, key, value, loopPath));
            }
        }
        return result;
    }

    private static void put(Map<String, Object> result, String key, Object value, String path) {
        if (result.putIfAbsent(key, value) != null) {
            throw new UnsupportedTemplateException(path + ": '" + key + "' is declared twice");
        }
    }

    /** A loop's collection: a list of strings, or a {@code Ref} to a {@code CommaDelimitedList} parameter's default. */
    private List<String> collection(Object collection, String path) {
        if (collection instanceof List<?> items) {
            List<String> result = new ArrayList<>();
            for (Object item : items) {
                if (!(item instanceof String || item instanceof Number || item instanceof Boolean)) {
                    throw new UnsupportedTemplateException(path + ": a collection item must be a string, not " + item);
                }
                result.add(item.toString());
            }
            return result;
        }
        if (collection instanceof Map<?, ?> ref && ref.size() == 1 && ref.get("Ref") instanceof String name) {
            Map<String, Object> parameter = map(parameters.get(name), "Parameters." + name);
            if (!"CommaDelimitedList".equals(parameter.get("Type")) || !(parameter.get("Default") instanceof String list)) {
                throw new UnsupportedTemplateException(path + ": the collection refers to " + name
                        + ", which is not a CommaDelimitedList parameter with a Default");
            }
            return list.isBlank() ? List.of() : List.of(list.split(",")).stream().map(String::strip).toList();
        }
        throw new UnsupportedTemplateException(path + ": a collection is a list or a Ref to a CommaDelimitedList parameter, not "
                + collection);
    }

    /**
     * {@code node} with the loop's item in place of its identifier. {@code outputKeys}: the keys of this map are a
     * fragment's output keys (implicitly substituted), not ordinary keys.
     */
    private Object substitute(Object node, Binding binding, boolean outputKeys, String path) {
        if (node instanceof String text) {
            if (mentions(text, binding.identifier())) {
                throw new UnsupportedTemplateException(path + ": '" + text + "' names ${" + binding.identifier()
                        + "} outside Fn::Sub and an output key; write it as !Sub");
            }
            return text;
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                result.add(substitute(list.get(i), binding, false, path + "[" + i + "]"));
            }
            return result;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        if (map.size() == 1 && binding.identifier().equals(map.get("Ref"))) {
            return binding.item();
        }
        if (map.size() == 1 && map.containsKey("Fn::Sub")) {
            return substituteSub(map.get("Fn::Sub"), binding, path + ".Fn::Sub");
        }
        var result = new LinkedHashMap<String, Object>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = (String) entry.getKey();
            String entryPath = path + "." + key;
            if (outputKeys && key.startsWith(FOR_EACH) && entry.getValue() instanceof List<?> loop && loop.size() == 3) {
                // An inner loop: its collection is an ordinary value, its fragment's keys are output keys too.
                List<Object> innerLoop = new ArrayList<>();
                innerLoop.add(loop.get(0));
                innerLoop.add(substitute(loop.get(1), binding, false, entryPath + "[1]"));
                innerLoop.add(substitute(loop.get(2), binding, true, entryPath + "[2]"));
                result.put(key, innerLoop);
                continue;
            }
            if (mentions(key, binding.identifier())) {
                if (!outputKeys) {
                    throw new UnsupportedTemplateException(entryPath + ": only output keys may name ${" + binding.identifier() + "}");
                }
                key = replace(key, binding);
            }
            result.put(key, substitute(entry.getValue(), binding, false, entryPath));
        }
        return result;
    }

    /** An {@code Fn::Sub} with the item in place; a plain string when no {@code ${...}} is left. */
    private Object substituteSub(Object argument, Binding binding, String path) {
        if (argument instanceof String text) {
            String replaced = replace(text, binding);
            return replaced.contains("${") ? Map.of("Fn::Sub", replaced) : replaced;
        }
        if (argument instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String text) {
            String replaced = replace(text, binding);
            Object variables = substitute(list.get(1), binding, false, path + "[1]");
            return replaced.contains("${") ? Map.of("Fn::Sub", List.of(replaced, variables)) : replaced;
        }
        throw new UnsupportedTemplateException(path + ": Fn::Sub takes a string or [string, {variables}], not " + argument);
    }

    private static boolean mentions(String text, String identifier) {
        return text.contains("${" + identifier + "}") || text.contains("&{" + identifier + "}");
    }

    private static String replace(String text, Binding binding) {
        return text.replace("${" + binding.identifier() + "}", binding.item())
                .replace("&{" + binding.identifier() + "}", binding.item().replaceAll("[^A-Za-z0-9]", ""));
    }

    // ---- after the loops ----------------------------------------------------------------------------------------

    /** {@code node} with its literal {@code Fn::FindInMap}s looked up; refuses what the expander does not implement. */
    private Object resolve(Object node, String path) {
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                result.add(resolve(list.get(i), path + "[" + i + "]"));
            }
            return result;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        var result = new LinkedHashMap<String, Object>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = (String) entry.getKey();
            if (key.startsWith(FOR_EACH)) {
                throw new UnsupportedTemplateException(path + ": " + key + " is expanded only at the top level of Resources,"
                        + " Outputs and Conditions (and of a loop's fragment there), not inside a resource or an output");
            }
            if (key.equals("Fn::Length") || key.equals("Fn::ToJsonString")) {
                throw new UnsupportedTemplateException(path + ": " + key + " is not implemented by TemplateExpander");
            }
            result.put(key, resolve(entry.getValue(), path + "." + key));
        }
        if (result.size() != 1) {
            return result;
        }
        Object argument = result.values().iterator().next();
        return switch (result.keySet().iterator().next()) {
            case "Fn::FindInMap" -> findInMap(argument, path);
            case "Ref" -> {
                if (!(argument instanceof String)) {
                    throw new UnsupportedTemplateException(path + ": Ref must name a parameter or resource, not " + argument);
                }
                yield result;
            }
            case "Fn::GetAtt" -> {
                if (!(argument instanceof List<?> getAtt) || getAtt.size() != 2 || !(getAtt.get(0) instanceof String)) {
                    throw new UnsupportedTemplateException(path + ": Fn::GetAtt must name a resource, not " + argument);
                }
                yield result;
            }
            default -> result;
        };
    }

    private Object findInMap(Object argument, String path) {
        if (!(argument instanceof List<?> keys) || keys.size() < 3 || keys.size() > 4) {
            throw new UnsupportedTemplateException(path + ": Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey(, {DefaultValue})]");
        }
        Object defaultValue = null;
        if (keys.size() == 4) {
            if (!(keys.get(3) instanceof Map<?, ?> option) || option.size() != 1 || !option.containsKey("DefaultValue")) {
                throw new UnsupportedTemplateException(path + ": Fn::FindInMap's fourth argument is {DefaultValue: value}");
            }
            defaultValue = option.get("DefaultValue");
        }
        if (!keys.subList(0, 3).stream().allMatch(k -> k instanceof String)) {
            return Map.of("Fn::FindInMap", keys); // known at deploy time only (e.g. !Ref AWS::Region): CloudFormation's to resolve
        }
        Object top = mappings.get(keys.get(0)) instanceof Map<?, ?> mapping ? mapping.get(keys.get(1)) : null;
        Object value = top instanceof Map<?, ?> second ? second.get(keys.get(2)) : null;
        if (value == null && defaultValue == null) {
            throw new UnsupportedTemplateException(path + ": Mappings has no " + keys.get(0) + "." + keys.get(1) + "." + keys.get(2));
        }
        return value != null ? value : defaultValue;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static boolean containsLoop(Object node) {
        if (node instanceof Map<?, ?> map) {
            return map.keySet().stream().anyMatch(k -> k instanceof String key && key.startsWith(FOR_EACH))
                    || map.values().stream().anyMatch(TemplateExpander::containsLoop);
        }
        return node instanceof List<?> list && list.stream().anyMatch(TemplateExpander::containsLoop);
    }

    private static void requireLanguageExtensions(Object transform) {
        List<?> transforms = transform instanceof List<?> list ? list : transform == null ? List.of() : List.of(transform);
        int extensions = transforms.indexOf(LANGUAGE_EXTENSIONS);
        if (extensions < 0) {
            throw new UnsupportedTemplateException("Fn::ForEach needs Transform: " + LANGUAGE_EXTENSIONS);
        }
        int serverless = transforms.indexOf(SERVERLESS);
        if (serverless >= 0 && serverless < extensions) {
            throw new UnsupportedTemplateException("Transform: " + LANGUAGE_EXTENSIONS + " must come before " + SERVERLESS);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new UnsupportedTemplateException(what + " must be a mapping, not " + value);
        }
        return (Map<String, Object>) value;
    }

    /** Reads CloudFormation's short-form tags as their long form: {@code !Ref X} as {@code {Ref: X}}, {@code !Sub s} as {@code {Fn::Sub: s}}. */
    private static final class LongFormConstructor extends SafeConstructor {
        LongFormConstructor(LoaderOptions options) {
            super(options);
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String function = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object argument;
                    if (node instanceof ScalarNode scalar) {
                        argument = constructScalar(scalar);
                        if (tag.equals("GetAtt")) {
                            String name = (String) argument;
                            int dot = name.indexOf('.');
                            if (dot < 0) {
                                throw new UnsupportedTemplateException("!GetAtt " + name + " names no attribute");
                            }
                            argument = List.of(name.substring(0, dot), name.substring(dot + 1));
                        }
                    } else if (node instanceof SequenceNode sequence) {
                        argument = constructSequence(sequence);
                    } else {
                        argument = constructMapping((MappingNode) node);
                    }
                    var longForm = new LinkedHashMap<String, Object>();
                    longForm.put(function, argument);
                    return longForm;
                }
            });
        }
    }
}

package dev.loyaltyrelay.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

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
 *
 * <p>The short-form tags are read by {@link LongFormConstructor}, the loops expanded by {@link ForEachExpander}; what
 * comes after the loops ({@code Fn::FindInMap}, the checks) is here.
 */
public final class TemplateExpander {

    public static final String LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";
    static final String SERVERLESS = "AWS::Serverless-2016-10-31";
    static final String FOR_EACH = "Fn::ForEach::";
    static final List<String> LOOP_SECTIONS = List.of("Conditions", "Resources", "Outputs");
    static final Pattern ALPHANUMERIC = Pattern.compile("[A-Za-z0-9]+");

    /** A construct of the template this expander does not implement, or one it finds invalid. */
    public static final class UnsupportedTemplateException extends IllegalArgumentException {
        public UnsupportedTemplateException(String message) {
            super(message);
        }
    }

    private final Map<String, Object> mappings;
    private final ForEachExpander loops;

    private TemplateExpander(Map<String, Object> template) {
        Map<String, Object> parameters = map(template.get("Parameters"), "Parameters");
        this.mappings = map(template.get("Mappings"), "Mappings");
        this.loops = new ForEachExpander(parameters, template);
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
                Map<String, Object> section = expander.loops.section(map(value, entry.getKey()), entry.getKey(), new ArrayList<>());
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
    static Map<String, Object> map(Object value, String what) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new UnsupportedTemplateException(what + " must be a mapping, not " + value);
        }
        return (Map<String, Object>) value;
    }
}

package dev.loyaltyrelay.local;

import static dev.loyaltyrelay.local.TemplateExpander.ALPHANUMERIC;
import static dev.loyaltyrelay.local.TemplateExpander.FOR_EACH;
import static dev.loyaltyrelay.local.TemplateExpander.LOOP_SECTIONS;
import static dev.loyaltyrelay.local.TemplateExpander.map;

import dev.loyaltyrelay.local.TemplateExpander.UnsupportedTemplateException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link TemplateExpander}'s {@code Fn::ForEach} expansion: the loops at the top level of a section (or of an enclosing
 * loop's fragment) replaced by their outputs, each item in place of the loop's identifier in the output keys, in
 * {@code {Ref: Identifier}} and in {@code Fn::Sub}. What comes after the loops ({@code Fn::FindInMap}, the checks of
 * {@code Ref} and {@code GetAtt}) is TemplateExpander's.
 */
final class ForEachExpander {

    private final Map<String, Object> parameters;
    private final Set<String> loopNames = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();

    ForEachExpander(Map<String, Object> parameters, Map<String, Object> template) {
        this.parameters = parameters;
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

    private record Binding(String identifier, String item) {
    }

    /** A section, or a loop's fragment, with its loops expanded; {@code bound} are the enclosing loops' identifiers. */
    Map<String, Object> section(Map<String, Object> section, String path, List<String> bound) {
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
}

package dev.loyaltyrelay.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds one UpdateItem's expression, names and values, so an item's changes read as a list of fields. Every
 * attribute name and value goes through a placeholder (names such as {@code zoko|topic|sent|sent} and reserved
 * words such as {@code status} are safe). The right-hand sides are evaluated on the item as it was before the
 * update, which {@link #setFromOld} relies on to keep the state an update replaces.
 */
final class ItemUpdate {

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final List<String> sets = new ArrayList<>();
    private final List<String> adds = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();

    /** The placeholder of an attribute name, for conditions too. */
    String name(String attribute) {
        return placeholders.computeIfAbsent(attribute, a -> {
            String placeholder = "#a" + placeholders.size();
            names.put(placeholder, a);
            return placeholder;
        });
    }

    /** The placeholder of a value, for conditions too. */
    String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    ItemUpdate set(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = " + value(value));
        return this;
    }

    /** Sets the attribute only if the item does not have it yet. */
    ItemUpdate setOnce(String attribute, AttributeValue value) {
        return setFromOld(attribute, attribute, value);
    }

    /** {@code attribute} takes the value {@code from} had before this update, or {@code otherwise}. */
    ItemUpdate setFromOld(String attribute, String from, AttributeValue otherwise) {
        sets.add(name(attribute) + " = if_not_exists(" + name(from) + ", " + value(otherwise) + ")");
        return this;
    }

    /** Appends one element to a list attribute, creating the list if needed. */
    ItemUpdate append(String attribute, AttributeValue element) {
        sets.add(name(attribute) + " = list_append(if_not_exists(" + name(attribute) + ", " + value(AttributeValue.fromL(List.of()))
                + "), " + value(AttributeValue.fromL(List.of(element))) + ")");
        return this;
    }

    ItemUpdate add(String attribute, long delta) {
        adds.add(name(attribute) + " " + value(AttributeValue.fromN(Long.toString(delta))));
        return this;
    }

    ItemUpdate remove(String attribute) {
        removes.add(name(attribute));
        return this;
    }

    String expression() {
        var expression = new StringBuilder();
        if (!sets.isEmpty()) {
            expression.append("SET ").append(String.join(", ", sets));
        }
        if (!adds.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("ADD ").append(String.join(", ", adds));
        }
        if (!removes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        return expression.toString();
    }

    Map<String, String> names() {
        return names;
    }

    Map<String, AttributeValue> values() {
        return values;
    }
}

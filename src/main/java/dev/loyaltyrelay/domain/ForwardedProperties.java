package dev.loyaltyrelay.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which event properties a mapping passes on to the provider beyond its template variables. Flow-triggering
 * providers (LimeChat, Wigzo) hand the properties to the merchant's flow, so they forward all by default.
 *
 * @param all   forward every property of the event
 * @param names otherwise, these properties (may be empty)
 */
public record ForwardedProperties(boolean all, List<String> names) {

    public static final ForwardedProperties ALL = new ForwardedProperties(true, List.of());
    public static final ForwardedProperties NONE = new ForwardedProperties(false, List.of());

    public ForwardedProperties {
        names = List.copyOf(names);
    }

    public static ForwardedProperties defaultFor(ProviderProfile provider) {
        return provider.triggersFlows() ? ALL : NONE;
    }

    public static ForwardedProperties only(List<String> names) {
        return new ForwardedProperties(false, names);
    }

    /** The forwarded subset of {@code properties}, in the event's order. */
    public Map<String, Object> select(Map<String, Object> properties) {
        if (all) {
            return new LinkedHashMap<>(properties);
        }
        var selected = new LinkedHashMap<String, Object>();
        for (String name : names) {
            if (properties.containsKey(name)) {
                selected.put(name, properties.get(name));
            }
        }
        return selected;
    }
}

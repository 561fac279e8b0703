package dev.loyaltyrelay.domain;

/**
 * One variable of a provider template, filled from an event property; variables are kept in template order.
 *
 * @param property the event property, e.g. {@code user_name}
 * @param fallback the value used when the event lacks the property, or null to fail the delivery instead
 */
public record TemplateVariable(String property, String fallback) {
}

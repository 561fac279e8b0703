package dev.loyaltyrelay.provider;

import java.util.Map;

/** What a provider's template list says: checks a key at Initialize and a mapping's template and variable count. */
public sealed interface TemplateList permits TemplateList.Templates, TemplateList.CredentialsRefused, TemplateList.Unavailable,
        TemplateList.NotOffered {

    /** Variable count by template id. */
    record Templates(Map<String, Integer> variableCounts) implements TemplateList {
        public Templates {
            variableCounts = Map.copyOf(variableCounts);
        }
    }

    record CredentialsRefused(int httpStatus) implements TemplateList {
    }

    /** The provider could not be asked (down, timeout, unreadable answer). */
    record Unavailable(String reason) implements TemplateList {
    }

    /** The provider's API lists no templates. */
    record NotOffered() implements TemplateList {
    }
}

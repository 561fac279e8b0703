package dev.loyaltyrelay.provider;

import java.util.List;

/**
 * What a provider's template list says: checks a key at Initialize, and a mapping's template when it is saved (which
 * template, in which language, of which kind, active or not, how many arguments).
 */
public sealed interface TemplateList permits TemplateList.Templates, TemplateList.CredentialsRefused, TemplateList.Unavailable,
        TemplateList.NotOffered {

    /**
     * One template in one language, as the provider lists it.
     *
     * @param templateId    the id a send names
     * @param language      the language a send names ({@code en}, {@code pt_BR})
     * @param kind          the provider's kind of template, which its send names (Zoko's {@code template},
     *                      {@code richTemplate}, {@code buttonTemplate})
     * @param active        whether the provider lets the API send it now
     * @param mediaHeader   whether its first argument is a media header (an image, video or document URL)
     * @param argumentCount how many arguments a send gives it, the media header included; {@link #UNKNOWN_COUNT} when
     *                      the list did not say
     */
    record Template(String templateId, String language, String kind, boolean active, boolean mediaHeader, int argumentCount) {

        public static final int UNKNOWN_COUNT = -1;
    }

    /** The account's templates: one entry per template and language. */
    record Templates(List<Template> templates) implements TemplateList {
        public Templates {
            templates = List.copyOf(templates);
        }

        /** The template's entries, one per language it is listed in. */
        public List<Template> withId(String templateId) {
            return templates.stream().filter(template -> template.templateId().equals(templateId)).toList();
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

package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The bodies of {@link TopicCategoriesApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class CategoryBodies {

    private CategoryBodies() {
    }

    /**
     * {@code TopicCategoryOverrides}: the merchant's overrides, topic to category ({@code transactional} or {@code marketing}),
     * replacing the ones it had; a topic left out goes back to the catalogue's default ({@code {}} clears every override).
     */
    @RegisterForReflection
    record TopicCategoryOverrides(@JsonProperty(required = true) Map<String, String> overrides) {
    }

    /** {@code TopicCategories}: every topic of the catalogue, as the merchant's messages of it go out now. */
    @RegisterForReflection
    record TopicCategories(List<TopicCategoryView> topics) {
    }

    /** One topic: its effective category, the catalogue's default, and whether the merchant overrides it. */
    @RegisterForReflection
    record TopicCategoryView(String topic, String category, String defaultCategory, boolean overridden) {
    }
}

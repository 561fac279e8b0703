package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.CategoryBodies.TopicCategories;
import dev.loyaltyrelay.admin.CategoryBodies.TopicCategoryOverrides;
import dev.loyaltyrelay.admin.CategoryBodies.TopicCategoryView;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.TopicCategory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Topic categories: each topic is transactional or marketing, as the catalogue says unless the merchant overrides it.
 * The overrides live on the merchant's profile in the config table, so fan-out reads them with the merchant (within a
 * second of a change) and each job carries the category it was given.
 */
@ApplicationScoped
public class TopicCategoriesApi {

    @Inject
    ConfigurationStore store;
    @Inject
    EventCatalogue catalogue;

    AdminResponse<TopicCategories> get(AdminRequest<Void> request) {
        return AdminResponse.ok(view(request.merchant().merchant()));
    }

    AdminResponse<TopicCategories> put(AdminRequest<TopicCategoryOverrides> request) {
        Merchant merchant = request.merchant().merchant();
        Map<String, String> given = request.body().overrides();
        if (given == null) {
            throw ApiProblem.invalid("overrides", "required: topic to category ({} clears every override)");
        }
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        Map<String, TopicCategory> overrides = new LinkedHashMap<>();
        given.forEach((topic, category) -> {
            if (!EventCatalogue.TOPICS.contains(topic)) {
                errors.add(new ApiProblem.FieldError("overrides." + topic, "not a topic of the catalogue"));
            } else {
                TopicCategory.fromKey(category).ifPresentOrElse(c -> overrides.put(topic, c),
                        () -> errors.add(new ApiProblem.FieldError("overrides." + topic, "one of transactional, marketing")));
            }
        });
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "invalid_request", "the request has an invalid field", errors);
        }
        Merchant changed = merchant.withTopicCategories(overrides);
        store.saveTopicCategories(merchant.merchantId(), overrides);
        return AdminResponse.ok(view(changed));
    }

    private TopicCategories view(Merchant merchant) {
        return new TopicCategories(EventCatalogue.TOPICS.stream().map(topic -> {
            TopicCategory effective = catalogue.categoryFor(merchant, topic);
            return new TopicCategoryView(topic, effective.key(), catalogue.defaultCategory(topic).key(),
                    merchant.topicCategories().containsKey(topic));
        }).toList());
    }
}

package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A merchant's settings and its topic categories are changed by two admin routes, each from what it read: on DynamoDB
 * Local, neither write undoes the other, whatever order they land in.
 */
@QuarkusTest
class MerchantSettingsAndCategoriesTest {

    @Inject
    TestMerchants merchants;
    @Inject
    ConfigurationStore store;

    @Test
    void aSettingsChangeMadeFromAnOlderRead_keepsTheTopicCategoriesSavedMeanwhile() {
        String merchantId = TestMerchants.freshId();
        Merchant readBeforeTheCategoryChange = merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);

        store.saveTopicCategories(merchantId, Map.of("walletreward_create", TopicCategory.MARKETING));
        store.saveMerchant(new Merchant(merchantId, "IN", readBeforeTheCategoryChange.timezone(), SignaturePolicy.ENFORCE,
                Duration.ofHours(2), RepeatPolicy.DROP, readBeforeTheCategoryChange.topicCategories(), readBeforeTheCategoryChange.marketingLimits()));

        Merchant stored = store.load(merchantId).orElseThrow().merchant();
        assertEquals(Map.of("walletreward_create", TopicCategory.MARKETING), stored.topicCategories());
        assertEquals(SignaturePolicy.ENFORCE, stored.signaturePolicy());
        assertEquals(Duration.ofHours(2), stored.timestampWindow());
    }

    @Test
    void categoriesReplaced_andCleared_leaveTheSettingsAsTheyWere() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.ENFORCE, RepeatPolicy.DROP);

        store.saveTopicCategories(merchantId, Map.of("review_create", TopicCategory.MARKETING));
        store.saveTopicCategories(merchantId, Map.of());

        Merchant stored = store.load(merchantId).orElseThrow().merchant();
        assertEquals(Map.of(), stored.topicCategories());
        assertEquals(SignaturePolicy.ENFORCE, stored.signaturePolicy());
        assertEquals(RepeatPolicy.DROP, stored.repeatPolicy());
    }
}

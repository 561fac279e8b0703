package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.ObservedBodies.ObservedTopicList;
import dev.loyaltyrelay.admin.ObservedBodies.ObservedTopicView;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.TrafficObservations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * What the merchant's authentic traffic has shown of each topic (names, JSON types, how often, when; never a value), so a
 * merchant maps what Nector really sends rather than what the catalogue guessed. Learned by ingest
 * ({@code application/ingest/TrafficLearning}); one merchant's traffic is in its own partition and never shows in another's.
 */
@ApplicationScoped
public class ObservedTrafficApi {

    @Inject
    TrafficObservations observations;
    @Inject
    EventCatalogue catalogue;

    AdminResponse<ObservedTopicList> list(AdminRequest<Void> request) {
        request.merchant();
        List<ObservedTopic> observed = observations.list(request.merchantId());
        return AdminResponse.ok(new ObservedTopicList(observed.stream().filter(t -> catalogue.knows(t.topic()))
                .map(t -> ObservedTopicView.of(t.topic(), t, name -> inCatalogue(t.topic(), name))).toList()));
    }

    AdminResponse<ObservedTopicView> one(AdminRequest<Void> request) {
        request.merchant();
        String topic = request.path("topic");
        if (!catalogue.knows(topic)) {
            throw ApiProblem.notFound("topic of the catalogue");
        }
        ObservedTopic observed = observations.list(request.merchantId()).stream().filter(t -> t.topic().equals(topic)).findFirst().orElse(null);
        return AdminResponse.ok(ObservedTopicView.of(topic, observed, name -> inCatalogue(topic, name)));
    }

    private boolean inCatalogue(String topic, String name) {
        return catalogue.document(topic).path("properties").has(name);
    }
}

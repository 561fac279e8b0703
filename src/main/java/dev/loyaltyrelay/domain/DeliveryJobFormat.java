package dev.loyaltyrelay.domain;

import java.util.Optional;

/** How a {@link DeliveryJob} is carried as text on a queue: what the delivery use cases read a message's body with. */
public interface DeliveryJobFormat {

    /**
     * The job the text holds, or empty when it holds none (not JSON, not a job, or a schema version this build cannot
     * read): such a message is dead-lettered or left where it is, never delivered, so the reason does not matter.
     */
    Optional<DeliveryJob> tryDecode(String text);
}

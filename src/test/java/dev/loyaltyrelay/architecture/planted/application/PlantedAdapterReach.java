package dev.loyaltyrelay.architecture.planted.application;

import dev.loyaltyrelay.architecture.planted.queue.PlantedJobCodec;

/** A planted violation: a use case that decodes a queue message with the queue adapter's class instead of a port. */
public class PlantedAdapterReach {
    public String job(String body) {
        return new PlantedJobCodec().decode(body);
    }
}

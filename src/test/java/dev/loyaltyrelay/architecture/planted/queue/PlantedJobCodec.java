package dev.loyaltyrelay.architecture.planted.queue;

/** A planted adapter: what a queue adapter knows of a message's text. */
public class PlantedJobCodec {
    public String decode(String body) {
        return body.strip();
    }
}

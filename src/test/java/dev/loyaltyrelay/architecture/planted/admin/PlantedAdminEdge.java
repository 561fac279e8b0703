package dev.loyaltyrelay.architecture.planted.admin;

import dev.loyaltyrelay.architecture.planted.ingest.PlantedIngestEdge;

/** A planted violation: the admin edge calls into the ingest edge instead of a use case. */
public class PlantedAdminEdge {
    public String replay() {
        return PlantedIngestEdge.answer();
    }
}

package dev.loyaltyrelay.architecture.planted.ingest;

/** Part of a planted violation: an edge another edge reaches into (see {@code ArchitectureTest}). */
public class PlantedIngestEdge {
    public static String answer() {
        return "202";
    }
}

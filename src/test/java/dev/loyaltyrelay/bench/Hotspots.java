package dev.loyaltyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR CPU profile of the project's side of a measured loop: the application's methods by the share of samples they
 * are on the stack of (inclusive), and the methods the samples were in (self). The floor's samples are left out.
 */
final class Hotspots implements AutoCloseable {

    private final Recording recording = new Recording();
    private final Path file;

    Hotspots(Path file) {
        this.file = file;
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
        recording.start();
    }

    @Override
    public void close() {
        recording.stop();
        try {
            Files.createDirectories(file.getParent());
            recording.dump(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            recording.close();
        }
    }

    /** Lines of the profile: the top {@code limit} application methods (inclusive) and {@code selfLimit} methods (self). */
    List<String> summary(int limit, int selfLimit) throws IOException {
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
            boolean project = frames.stream().anyMatch(f -> f.startsWith("dev.loyaltyrelay.") && !f.startsWith("dev.loyaltyrelay.bench."));
            boolean floor = frames.stream().anyMatch(f -> f.equals("dev.loyaltyrelay.bench.PerformanceBench.floor"));
            if (!project || floor || frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(frames.getFirst(), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (String f : frames) {
                if (f.startsWith("dev.loyaltyrelay.") && !f.startsWith("dev.loyaltyrelay.bench.") && !f.contains("$$Lambda") && seen.add(f)) {
                    inclusive.merge(f, 1, Integer::sum);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        int total = samples;
        lines.add(String.format("    %d samples of the project's side (10 ms); application methods, inclusive:", total));
        inclusive.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> lines.add(String.format("      %5.1f%% %s", 100.0 * e.getValue() / total, e.getKey().replace("dev.loyaltyrelay.", ""))));
        lines.add("    where the samples were (self):");
        self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(selfLimit)
                .forEach(e -> lines.add(String.format("      %5.1f%% %s", 100.0 * e.getValue() / total, e.getKey())));
        return lines;
    }
}

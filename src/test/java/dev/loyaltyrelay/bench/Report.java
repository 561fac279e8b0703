package dev.loyaltyrelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's output: a table of figures beside their floors and ratios, notes, and the raw figures the cost model reads. */
final class Report {

    private final StringBuilder out = new StringBuilder();
    private final List<String> notes = new ArrayList<>();
    final Map<String, Double> figures = new LinkedHashMap<>();
    private boolean header;

    void machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        line(String.format("BENCH %s: %d cores, load average %.2f at start, %s %s (%s), heap max %d MB", Instant.now(),
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("java.vendor"), Runtime.getRuntime().maxMemory() >> 20));
    }

    void row(String figure, String today, String floor, double ratio) {
        if (!header) {
            line("");
            line("| figure | today | floor or peer in the same run | ratio |");
            line("| --- | --- | --- | --- |");
            header = true;
        }
        line(String.format("| %s | %s | %s | %.2fx |", figure, today, floor, ratio));
    }

    void note(String note) {
        notes.add(note);
    }

    void figure(String name, double value) {
        figures.put(name, value);
    }

    void endTable() {
        header = false;
        line("");
        notes.forEach(this::line);
        notes.clear();
    }

    void line(String line) {
        out.append(line).append('\n');
        System.out.println(line);
    }

    void save(Path file) throws IOException {
        endTable();
        var os = ManagementFactory.getOperatingSystemMXBean();
        line(String.format("BENCH end %s: load average %.2f", Instant.now(), os.getSystemLoadAverage()));
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        System.out.println("BENCH output written to " + file.toAbsolutePath());
    }
}

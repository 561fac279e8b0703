package dev.loyaltyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dollars per million events (1 event, 2 deliveries), from the figures this run measured, the memory sizes in
 * template.yaml and published prices; in batches of 10 and one at a time, beside the same design's floor.
 */
final class CostModel {

    // Published prices, us-east-1, as the AWS pricing pages stood after the DynamoDB on-demand price cut of 2024-11-01
    // (the DynamoDB figures re-read on 2026-12-02 from a copy of a published summary; this machine has no AWS access).
    // Other regions (samconfig.toml deploys to ap-south-1) may differ by a few percent: check before relying on cents.
    static final double LAMBDA_PER_GB_SECOND = 0.0000166667;   // x86_64, first 6 B GB-s tier (2024-2025 pricing page)
    static final double LAMBDA_PER_REQUEST = 0.20 / 1e6;       // per invocation
    static final double DYNAMODB_PER_WRU = 0.625 / 1e6;        // on-demand, after 2024-11-01
    static final double DYNAMODB_PER_RRU = 0.125 / 1e6;        // on-demand, after 2024-11-01
    static final double SQS_PER_REQUEST = 0.40 / 1e6;          // standard queue, per 64 KB chunk, after the free tier
    static final double HTTP_API_PER_REQUEST = 1.00 / 1e6;     // API Gateway HTTP API, first 300 M a month, per 512 KB
    static final double LOGS_PER_GB = 0.50;                    // CloudWatch Logs standard ingestion

    // Assumptions (not measured in this step; each is a named input so a later step can replace it with a measurement).
    static final double AWS_CALL_MS = 8;              // one in-region DynamoDB or SQS round trip, as Lambda waits for it
    static final double PROVIDER_MS = 200;            // the provider's answer (issue 16's figure)
    static final double DELIVERY_CPU_MS = 1;          // CPU of one delivery outside I/O (not yet measured)
    static final double PLATFORM_LOG_BYTES = 350;     // START, END and REPORT lines of one invocation
    static final int DELIVERIES = 2;

    private CostModel() {
    }

    record Inputs(double ingestCpuMs, double ingestWaits, double ingestWcu, double ingestRcu, double deliveryWcu, double deliveryRcu,
            double deliveryTrips, double sqsSendsPerEvent, double ingestLogBytes, double deliveryLogBytes, double batchFactor) {
    }

    static void print(Report report) throws IOException {
        report.endTable();
        var f = report.figures;
        int ingestMb = memory("IngestMemorySize");
        int deliveryMb = memory("DeliveryMemorySize");
        double deliveryWcu = avg(f, "delivery.wcu.zoko.1024", "delivery.wcu.limechat.1024", "delivery.wcu.wigzo.1024");
        double deliveryRcu = avg(f, "delivery.rcu.zoko.1024", "delivery.rcu.limechat.1024", "delivery.rcu.wigzo.1024");
        double deliveryTrips = avg(f, "delivery.trips.zoko.1024", "delivery.trips.limechat.1024", "delivery.trips.wigzo.1024");
        // One SendMessageBatch per provider queue today: two deliveries to two providers are two sends, as in the floor.
        var today = new Inputs(f.get("ingest.cpu.us.1024") / 1000, f.get("ingest.sequential.waits"), f.get("ingest.wcu.1024"), f.get("ingest.rcu.1024"),
                deliveryWcu, deliveryRcu, deliveryTrips, DELIVERIES, f.get("ingest.emf.bytes"), f.get("delivery.emf.bytes"),
                f.get("delivery.batch10.factor"));
        // The floor: HMAC + one parse; claim, overlapping sends, completion; two write units an event and two a delivery (claim and
        // outcome, no index amplification); the same reads, sends and metrics; a batch of 10 as long as one delivery.
        var floor = new Inputs(f.get("ingest.floor.us.1024") / 1000, 3, 2, today.ingestRcu(), 2, deliveryRcu, 2, DELIVERIES,
                today.ingestLogBytes(), today.deliveryLogBytes(), 1.0);

        report.line(String.format("COST MODEL: dollars per million events (1 event, %d deliveries), ingest %d MB and delivery %d MB (template.yaml),"
                + " in-region call %.0f ms, provider %.0f ms (assumed)", DELIVERIES, ingestMb, deliveryMb, AWS_CALL_MS, PROVIDER_MS));
        report.line("");
        report.line("| item | today, batches of 10 | floor, batches of 10 | ratio | today, one at a time | floor, one at a time | ratio |");
        report.line("| --- | --- | --- | --- | --- | --- | --- |");
        var t10 = items(today, 10, ingestMb, deliveryMb);
        var f10 = items(floor, 10, ingestMb, deliveryMb);
        var t1 = items(today, 1, ingestMb, deliveryMb);
        var f1 = items(floor, 1, ingestMb, deliveryMb);
        for (String item : t10.keySet()) {
            report.line(String.format("| %s | $%.2f | $%.2f | %.2fx | $%.2f | $%.2f | %.2fx |", item, t10.get(item), f10.get(item),
                    t10.get(item) / f10.get(item), t1.get(item), f1.get(item), t1.get(item) / f1.get(item)));
        }
        double tt10 = sum(t10), ft10 = sum(f10), tt1 = sum(t1), ft1 = sum(f1);
        report.line(String.format("| **total** | **$%.2f** | **$%.2f** | **%.2fx** | **$%.2f** | **$%.2f** | **%.2fx** |", tt10, ft10, tt10 / ft10,
                tt1, ft1, tt1 / ft1));
        report.line("");
        report.line(String.format("Billed durations: ingest %s ms today, %s ms floor; a delivery invocation %s / %s ms in batches of 10, %s / %s ms one"
                + " at a time.", fmt(ingestMs(today)), fmt(ingestMs(floor)), fmt(batchMs(today, 10)), fmt(batchMs(floor, 10)), fmt(batchMs(today, 1)),
                fmt(batchMs(floor, 1))));
        report.line("Dominant item: batches of 10 " + dominant(t10) + "; one at a time " + dominant(t1) + ".");
        report.figure("cost.batch10", tt10);
        report.figure("cost.single", tt1);
    }

    private static Map<String, Double> items(Inputs in, int batch, int ingestMb, int deliveryMb) {
        var items = new LinkedHashMap<String, Double>();
        double ingestMs = ingestMs(in);
        items.put("API Gateway HTTP API", HTTP_API_PER_REQUEST * 1e6);
        items.put("ingest Lambda", 1e6 * (LAMBDA_PER_REQUEST + ingestMs / 1000 * ingestMb / 1024.0 * LAMBDA_PER_GB_SECOND));
        double invocations = DELIVERIES / (double) batch;
        // A batch's deliveries overlap (virtual threads): its duration is one delivery's waits, stretched by the measured
        // factor of a batch of 10 over one send.
        double batchMs = batchMs(in, batch);
        items.put("delivery Lambda",
                1e6 * invocations * (LAMBDA_PER_REQUEST + batchMs / 1000 * deliveryMb / 1024.0 * LAMBDA_PER_GB_SECOND));
        // Sends at ingest; the event source's receive and delete per batch.
        items.put("SQS requests", 1e6 * (in.sqsSendsPerEvent() + 2 * invocations) * SQS_PER_REQUEST);
        items.put("DynamoDB writes", 1e6 * (in.ingestWcu() + DELIVERIES * in.deliveryWcu()) * DYNAMODB_PER_WRU);
        items.put("DynamoDB reads", 1e6 * (in.ingestRcu() + DELIVERIES * in.deliveryRcu()) * DYNAMODB_PER_RRU);
        double logBytes = PLATFORM_LOG_BYTES * (1 + invocations) + in.ingestLogBytes() + DELIVERIES * in.deliveryLogBytes();
        items.put("CloudWatch Logs", 1e6 * logBytes / 1e9 * LOGS_PER_GB);
        return items;
    }

    private static double ingestMs(Inputs in) {
        return Math.ceil(in.ingestCpuMs() + in.ingestWaits() * AWS_CALL_MS);
    }

    private static double batchMs(Inputs in, int batch) {
        double oneDeliveryMs = PROVIDER_MS + in.deliveryTrips() * AWS_CALL_MS;
        return Math.ceil((batch == 1 ? oneDeliveryMs : oneDeliveryMs * in.batchFactor()) + batch * DELIVERY_CPU_MS);
    }

    private static String fmt(double v) {
        return String.format("%.0f", v);
    }

    private static double sum(Map<String, Double> items) {
        return items.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static String dominant(Map<String, Double> items) {
        double total = sum(items);
        var top = items.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return String.format("%s, %.0f%% of the bill", top.getKey(), 100 * top.getValue() / total);
    }

    private static double avg(Map<String, Double> f, String... names) {
        double sum = 0;
        for (String name : names) {
            sum += f.get(name);
        }
        return sum / names.length;
    }

    /** A memory size parameter's default in template.yaml. */
    static int memory(String parameter) throws IOException {
        String template = Files.readString(Path.of("template.yaml"));
        Matcher m = Pattern.compile("(?m)^  " + parameter + ":\\s*\\n(?:    .*\\n)*?    Default: (\\d+)").matcher(template);
        if (!m.find()) {
            throw new IllegalStateException("no " + parameter + " in template.yaml");
        }
        return Integer.parseInt(m.group(1));
    }
}

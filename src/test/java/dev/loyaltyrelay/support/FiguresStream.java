package dev.loyaltyrelay.support;

import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.local.DynamoStreamSource;
import dev.loyaltyrelay.local.TemplateResources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The records table's stream fed to the figures function, as Lambda's event source would (with the template's filter):
 * a test reads the figures after {@link #project}, as a merchant reads them a few seconds after a delivery.
 */
public final class FiguresStream {

    private static DynamoStreamSource source;

    private FiguresStream() {
    }

    /** Projects every record change written so far onto the figures; returns how many changes reached the function. */
    public static synchronized int project(FiguresHandler figures) {
        if (source == null) {
            LocalAws aws = LocalAws.get();
            String streamArn = aws.dynamo.describeTable(r -> r.tableName(LocalAws.RECORDS_TABLE)).table().latestStreamArn();
            var streams = DynamoDbStreamsClient.builder().endpointOverride(aws.dynamoEndpoint).region(Region.of(LocalAws.REGION))
                    .credentialsProvider(aws.credentials)
                    .httpClient(UrlConnectionHttpClient.create()).build();
            String filter = TemplateResources.read(Path.of("template.yaml")).streamFilterPattern("FiguresFunction");
            source = new DynamoStreamSource(streams, streamArn, DynamoStreamSource.filterOf(filter));
        }
        return source.drain(event -> {
            var out = new ByteArrayOutputStream();
            figures.handleRequest(new ByteArrayInputStream(event), out, null);
            return out.toByteArray();
        }, 500);
    }
}

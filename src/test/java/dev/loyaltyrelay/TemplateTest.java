package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What template.yaml and samconfig.toml must declare; the tables and queues are created from it in the tests too. */
class TemplateTest {

    final TemplateResources template = TemplateResources.read(Path.of("template.yaml"));

    @Test
    void declaresBothTables_aQueueAndDeadLetterQueuePerProvider_andTheIngestFunction() {
        assertEquals(List.of("ConfigTable", "RecordsTable"), template.logicalIdsOf("AWS::DynamoDB::Table"));
        assertEquals(Provider.values().length * 2, template.logicalIdsOf("AWS::SQS::Queue").size());
        assertTrue(template.logicalIdsOf("AWS::Serverless::Function").contains("IngestFunction"));
        assertEquals(List.of("HttpApi"), template.logicalIdsOf("AWS::Serverless::HttpApi"));
    }

    @Test
    void ingestFunction_isSelectedByHandlerName_andGetsEveryQueue() throws Exception {
        String text = Files.readString(Path.of("template.yaml"));
        assertTrue(text.contains("QUARKUS_LAMBDA_HANDLER: ingest"));
        for (Provider provider : Provider.values()) {
            assertTrue(text.contains(provider.key().toUpperCase() + "_QUEUE_URL"), provider + " queue URL");
        }
        assertTrue(text.contains("Path: /v1/webhooks/nector/{merchantId}"));
    }

    @Test
    void samconfig_hasOneEnvPerStage() throws Exception {
        String samconfig = Files.readString(Path.of("samconfig.toml"));
        for (String stage : List.of("dev", "staging", "prod")) {
            assertTrue(samconfig.contains("[" + stage + ".deploy.parameters]"), stage);
            assertTrue(samconfig.contains("Stage=" + stage), stage);
        }
    }
}

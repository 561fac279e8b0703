package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The issue: "no IAM wildcard action or resource outside the KMS key policy" (README: iam_no_wildcards). A SAM function
 * that gives {@code Policies} and no {@code Role} gets a role SAM generates, and SAM attaches the AWS managed policy
 * {@code service-role/AWSLambdaBasicExecutionRole} to it: logs:CreateLogGroup, logs:CreateLogStream and
 * logs:PutLogEvents on Resource "*". (aws-sam-translator 1.110.0 on template-expanded.json found AdminFunctionRole,
 * IngestFunctionRole and ReceiptsFunctionRole carrying it; every function now has its own AWS::IAM::Role in the template
 * that scopes logs to its own log group.) cfn-guard runs before the SAM transform; iam_no_wildcards.guard now also
 * refuses a function with Policies or without Role: !GetAtt of a role of the template.
 */
class FunctionRolesWithoutWildcardsTest {

    @Test
    void noFunctionGetsSamsGeneratedRole_whichCarriesLogsOnEveryResource() throws Exception {
        JsonNode template = new ObjectMapper().readTree(Path.of("src/test/resources/template-expanded.json").toFile());
        List<String> generatedRoles = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : template.path("Resources").properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function") && !properties.has("Role")
                    && !template.path("Globals").path("Function").has("Role")) {
                generatedRoles.add(resource.getKey() + " (SAM adds AWSLambdaBasicExecutionRole: logs:* on \"*\")");
            }
        }
        assertEquals(List.of(), generatedRoles, "functions whose role grants logs actions on every resource");
    }
}

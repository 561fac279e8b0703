package dev.loyaltyrelay.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.local.TemplateExpander.UnsupportedTemplateException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TemplateExpander}: Fn::ForEach and Fn::FindInMap as AWS documents them, and what it refuses. */
class TemplateExpanderTest {

    static final String TRANSFORM = "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n";

    static Map<String, Object> parse(String yaml) {
        return TemplateExpander.parse(new StringReader(yaml));
    }

    static Map<String, Object> expand(String yaml) {
        return TemplateExpander.expand(parse(yaml));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> template, String name) {
        return (Map<String, Object>) template.get(name);
    }

    static String refused(String yaml) {
        return assertThrows(UnsupportedTemplateException.class, () -> expand(yaml)).getMessage();
    }

    @Test
    void shortFormTags_readAsTheirLongForm() {
        Map<String, Object> template = parse("""
                Resources:
                  Q:
                    Type: AWS::SQS::Queue
                    Properties:
                      A: !Ref Stage
                      B: !GetAtt Dlq.Arn
                      C: !GetAtt [Dlq, Arn]
                      D: !Sub 'x-${Stage}'
                      E: !If [IsProd, 1, 2]
                      F: !FindInMap [M, !Ref AWS::Region, K]
                      G: !Condition IsProd
                """);
        assertEquals(Map.of("A", Map.of("Ref", "Stage"), "B", Map.of("Fn::GetAtt", List.of("Dlq", "Arn")),
                "C", Map.of("Fn::GetAtt", List.of("Dlq", "Arn")), "D", Map.of("Fn::Sub", "x-${Stage}"),
                "E", Map.of("Fn::If", List.of("IsProd", 1, 2)), "F", Map.of("Fn::FindInMap", List.of("M", Map.of("Ref", "AWS::Region"), "K")),
                "G", Map.of("Condition", "IsProd")), section(section(section(template, "Resources"), "Q"), "Properties"));
    }

    @Test
    void aTemplateWithoutLoops_isReturnedAsParsed_andTheArgumentIsLeftAlone() {
        String yaml = """
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Stage: {Type: String}
                Resources:
                  Q:
                    Type: AWS::SQS::Queue
                    DeletionPolicy: Retain
                    Properties:
                      QueueName: !Sub 'q-${Stage}'
                      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3}
                  Dlq: {Type: AWS::SQS::Queue}
                Outputs:
                  Url: {Value: !Ref Q}
                """;
        Map<String, Object> parsed = parse(yaml);
        assertEquals(parse(yaml), TemplateExpander.expand(parsed));

        String looped = TRANSFORM + """
                Resources:
                  Fn::ForEach::Queues:
                    - Name
                    - [A, B]
                    - ${Name}Queue: {Type: AWS::SQS::Queue}
                """;
        Map<String, Object> loop = parse(looped);
        TemplateExpander.expand(loop);
        assertEquals(parse(looped), loop, "expand copies, never changes its argument");
    }

    @Test
    void aResourceLoop_namesEachResource_andReplacesTheIdentifierInRefsSubsAndMappings() {
        Map<String, Object> template = expand(TRANSFORM + """
                Parameters:
                  Stage: {Type: String}
                  ZokoMaxConcurrency: {Type: Number}
                  WigzoMaxConcurrency: {Type: Number}
                Mappings:
                  Providers:
                    Zoko: {Key: zoko}
                    Wigzo: {Key: wigzo}
                Resources:
                  Table: {Type: AWS::DynamoDB::Table}
                  Fn::ForEach::ProviderResources:
                    - Provider
                    - [Zoko, Wigzo]
                    - ${Provider}Queue:
                        Type: AWS::SQS::Queue
                        Properties:
                          QueueName: !Sub ['relay-${Stage}-${Key}', {Key: !FindInMap [Providers, !Ref Provider, Key]}]
                          RedrivePolicy:
                            deadLetterTargetArn: !GetAtt [!Sub '${Provider}DeadLetterQueue', Arn]
                      ${Provider}DeadLetterQueue:
                        Type: AWS::SQS::Queue
                      ${Provider}Function:
                        Type: AWS::Serverless::Function
                        Properties:
                          Description: !Sub "Calls ${Provider}."
                          Environment:
                            Variables:
                              HANDLER: !FindInMap [Providers, !Ref Provider, Key]
                              NAME: !Ref Provider
                              TABLE: !Ref Table
                          Events:
                            Jobs:
                              Type: SQS
                              Properties:
                                Queue: !GetAtt [!Sub '${Provider}Queue', Arn]
                                ScalingConfig:
                                  MaximumConcurrency: {Ref: !Sub '${Provider}MaxConcurrency'}
                  Api: {Type: AWS::Serverless::HttpApi}
                """);
        Map<String, Object> resources = section(template, "Resources");
        assertEquals(List.of("Table", "ZokoQueue", "ZokoDeadLetterQueue", "ZokoFunction", "WigzoQueue", "WigzoDeadLetterQueue",
                "WigzoFunction", "Api"), List.copyOf(resources.keySet()), "in collection order, where the loop stood");
        assertEquals(Map.of("Type", "AWS::SQS::Queue", "Properties", Map.of(
                "QueueName", Map.of("Fn::Sub", List.of("relay-${Stage}-${Key}", Map.of("Key", "wigzo"))),
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of("WigzoDeadLetterQueue", "Arn"))))),
                resources.get("WigzoQueue"));
        assertEquals(Map.of("Type", "AWS::Serverless::Function", "Properties", Map.of(
                "Description", "Calls Zoko.",
                "Environment", Map.of("Variables", Map.of("HANDLER", "zoko", "NAME", "Zoko", "TABLE", Map.of("Ref", "Table"))),
                "Events", Map.of("Jobs", Map.of("Type", "SQS", "Properties", Map.of(
                        "Queue", Map.of("Fn::GetAtt", List.of("ZokoQueue", "Arn")),
                        "ScalingConfig", Map.of("MaximumConcurrency", Map.of("Ref", "ZokoMaxConcurrency"))))))),
                resources.get("ZokoFunction"));
    }

    @Test
    void outputsAndConditionsLoop_andACollectionCanBeACommaDelimitedListParameter() {
        Map<String, Object> template = expand(TRANSFORM + """
                Parameters:
                  Names: {Type: CommaDelimitedList, Default: 'Alpha, Beta'}
                Conditions:
                  Fn::ForEach::Checks:
                    - Name
                    - !Ref Names
                    - Is${Name}: !Equals [!Ref Name, Alpha]
                Resources:
                  Fn::ForEach::Queues:
                    - Name
                    - !Ref Names
                    - ${Name}Queue: {Type: AWS::SQS::Queue}
                Outputs:
                  Fn::ForEach::Urls:
                    - Name
                    - [Alpha, Beta]
                    - ${Name}QueueUrl:
                        Value: {Ref: !Sub '${Name}Queue'}
                """);
        assertEquals(Map.of("IsAlpha", Map.of("Fn::Equals", List.of("Alpha", "Alpha")), "IsBeta", Map.of("Fn::Equals", List.of("Beta", "Alpha"))),
                section(template, "Conditions"));
        assertEquals(List.of("AlphaQueue", "BetaQueue"), List.copyOf(section(template, "Resources").keySet()));
        assertEquals(Map.of("AlphaQueueUrl", Map.of("Value", Map.of("Ref", "AlphaQueue")), "BetaQueueUrl", Map.of("Value", Map.of("Ref", "BetaQueue"))),
                section(template, "Outputs"));
    }

    @Test
    void ampersandForm_dropsNonAlphanumericCharacters_whileDollarFormKeepsThem() {
        Map<String, Object> resources = section(expand(TRANSFORM + """
                Resources:
                  Fn::ForEach::Hosts:
                    - Ip
                    - ['10.0.0.1', '10.0.0.2']
                    - Host&{Ip}:
                        Type: AWS::EC2::Instance
                        Properties:
                          Tags: [{Key: ip, Value: !Sub '${Ip}'}, {Key: id, Value: !Sub 'h&{Ip}'}]
                """), "Resources");
        assertEquals(List.of("Host10001", "Host10002"), List.copyOf(resources.keySet()));
        assertEquals(Map.of("Tags", List.of(Map.of("Key", "ip", "Value", "10.0.0.2"), Map.of("Key", "id", "Value", "h10002"))),
                section(section(resources, "Host10002"), "Properties"));
    }

    @Test
    void nestedLoops_expandWithBothIdentifiers() {
        Map<String, Object> resources = section(expand(TRANSFORM + """
                Resources:
                  Fn::ForEach::Outer:
                    - Prefix
                    - [Transit, Public]
                    - Nacl${Prefix}:
                        Type: AWS::EC2::NetworkAcl
                      Fn::ForEach::Inner:
                        - Suffix
                        - [A, B]
                        - ${Prefix}Subnet${Suffix}:
                            Type: AWS::EC2::Subnet
                            Properties:
                              Acl: !Ref {Fn::Sub: 'Nacl${Prefix}'}
                              Name: !Sub '${Prefix}-${Suffix}'
                """), "Resources");
        assertEquals(List.of("NaclTransit", "TransitSubnetA", "TransitSubnetB", "NaclPublic", "PublicSubnetA", "PublicSubnetB"),
                List.copyOf(resources.keySet()));
        assertEquals(Map.of("Acl", Map.of("Ref", "NaclPublic"), "Name", "Public-B"), section(section(resources, "PublicSubnetB"), "Properties"));
    }

    @Test
    void findInMap_looksUpLiteralKeys_fallsBackToItsDefault_andLeavesDeployTimeKeysToCloudFormation() {
        Map<String, Object> properties = section(section(section(expand("""
                Mappings:
                  Sizes:
                    Zoko: {Memory: 512, Names: [a, b]}
                Resources:
                  F:
                    Type: AWS::Serverless::Function
                    Properties:
                      A: !FindInMap [Sizes, Zoko, Memory]
                      B: !FindInMap [Sizes, Zoko, Names]
                      C: !FindInMap [Sizes, Wigzo, Memory, {DefaultValue: 256}]
                      D: !FindInMap [Sizes, !Ref AWS::Region, Memory]
                """), "Resources"), "F"), "Properties");
        assertEquals(512, properties.get("A"));
        assertEquals(List.of("a", "b"), properties.get("B"));
        assertEquals(256, properties.get("C"));
        assertEquals(Map.of("Fn::FindInMap", List.of("Sizes", Map.of("Ref", "AWS::Region"), "Memory")), properties.get("D"));
    }

    // ---- what it refuses -----------------------------------------------------------------------------------------

    static String loop(String fragment) {
        return TRANSFORM + """
                Parameters:
                  Stage: {Type: String}
                  Plain: {Type: String, Default: 'A,B'}
                Mappings:
                  Providers:
                    Zoko: {Key: zoko}
                Resources:
                  Table: {Type: AWS::DynamoDB::Table}
                """ + fragment;
    }

    @Test
    void refuses_aLoopWithoutTheLanguageExtensionsTransform_orAfterTheSamTransform() {
        String body = """
                Resources:
                  Fn::ForEach::Queues: [Name, [A], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """;
        assertTrue(refused("Transform: AWS::Serverless-2016-10-31\n" + body).contains("needs Transform: AWS::LanguageExtensions"));
        assertTrue(refused("Transform: [AWS::Serverless-2016-10-31, AWS::LanguageExtensions]\n" + body).contains("must come before"));
    }

    @Test
    void refuses_theIdentifierInAPlainString_whereImplementationsDisagree() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues:
                    - Provider
                    - [Zoko]
                    - ${Provider}Function:
                        Type: AWS::Serverless::Function
                        Properties:
                          Role: !GetAtt ${Provider}Role.Arn
                """)).contains("'${Provider}Role' names ${Provider} outside Fn::Sub and an output key; write it as !Sub"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues:
                    - Provider
                    - [Zoko]
                    - ${Provider}Function:
                        Type: AWS::Serverless::Function
                        Properties:
                          Description: Calls ${Provider}.
                """)).contains("Resources.Fn::ForEach::Queues[Zoko].${Provider}Function.Properties.Description"));
    }

    @Test
    void refuses_theIdentifierInANestedKey() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Functions:
                    - Provider
                    - [Zoko]
                    - ${Provider}Function:
                        Type: AWS::Serverless::Function
                        Properties:
                          Environment:
                            Variables:
                              ${Provider}_QUEUE_URL: x
                """)).contains("only output keys may name ${Provider}"));
    }

    @Test
    void refuses_aLoopInsideAResource_asTheSamCliMayNotExpandIt() {
        assertTrue(refused(loop("""
                  Function:
                    Type: AWS::Serverless::Function
                    Properties:
                      Environment:
                        Variables:
                          Fn::ForEach::Urls:
                            - Provider
                            - [Zoko]
                            - ${Provider}Url: !Ref {Fn::Sub: '${Provider}Queue'}
                """)).contains("Resources.Function.Properties.Environment.Variables: Fn::ForEach::Urls is expanded only at the top level"));
    }

    @Test
    void refuses_badLoopShapes_namesAndIdentifiers() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [A]]
                """)).contains("a loop is [Identifier, Collection, {OutputKey: OutputValue}]"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [A], {Queue: {Type: AWS::SQS::Queue}}]
                """)).contains("the output key 'Queue' must contain ${Name} or &{Name}"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Stage, [A], {'${Stage}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("the identifier 'Stage' is also a parameter's or an enclosing loop's name"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Table: [Name, [A], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("the loop name 'Table' is also a parameter or a logical id"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [A], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                Outputs:
                  Fn::ForEach::Queues: [Name, [A], {'${Name}Url': {Value: x}}]
                """)).contains("the loop name 'Queues' is used by another loop"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [[Name, Key], [[A, a]], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("the identifier must be one alphanumeric string"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Outer:
                    - Name
                    - [A]
                    - Fn::ForEach::Inner: [Name, [B], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("the identifier 'Name' is also a parameter's or an enclosing loop's name"));
    }

    @Test
    void refuses_collectionsItCannotKnowBeforeDeployment() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, !Ref Plain, {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("refers to Plain, which is not a CommaDelimitedList parameter with a Default"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, !FindInMap [Providers, Zoko, Names], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("a collection is a list or a Ref to a CommaDelimitedList parameter"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [A, [B]], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("a collection item must be a string"));
    }

    @Test
    void refuses_duplicateAndNonAlphanumericLogicalIds() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Tables: [Name, [''], {'Table${Name}': {Type: AWS::DynamoDB::Table}}]
                """)).contains("'Table' is declared twice"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [A, A], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("'AQueue' is declared twice"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues: [Name, [a-b], {'${Name}Queue': {Type: AWS::SQS::Queue}}]
                """)).contains("logical id 'a-bQueue' is not alphanumeric"));
    }

    @Test
    void refuses_referencesThatAreNoNameAfterExpansion_andMissingMappings() {
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues:
                    - Name
                    - [A]
                    - ${Name}Queue:
                        Type: AWS::SQS::Queue
                        Properties:
                          RedrivePolicy:
                            deadLetterTargetArn: !GetAtt [!Sub '${Stage}${Name}Dlq', Arn]
                """)).contains("Fn::GetAtt must name a resource"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues:
                    - Name
                    - [A]
                    - ${Name}Queue:
                        Type: AWS::SQS::Queue
                        Properties:
                          QueueName: !Ref {Fn::Sub: '${Stage}${Name}'}
                """)).contains("Ref must name a parameter or resource"));
        assertTrue(refused(loop("""
                  Fn::ForEach::Queues:
                    - Name
                    - [Wigzo]
                    - ${Name}Queue:
                        Type: AWS::SQS::Queue
                        Properties:
                          QueueName: !FindInMap [Providers, !Ref Name, Key]
                """)).contains("Mappings has no Providers.Wigzo.Key"));
    }

    @Test
    void refuses_theLanguageExtensionsItDoesNotImplement() {
        assertTrue(refused(loop("""
                  Q:
                    Type: AWS::SQS::Queue
                    Properties:
                      DelaySeconds: !Length [a, b]
                """)).contains("Fn::Length is not implemented"));
        assertTrue(refused(loop("""
                  Q:
                    Type: AWS::SQS::Queue
                    Properties:
                      Policy: !ToJsonString {a: b}
                """)).contains("Fn::ToJsonString is not implemented"));
        assertTrue(refused(loop("""
                  Q:
                    Type: AWS::SQS::Queue
                    DeletionPolicy: !If [IsProd, Retain, Delete]
                """)).contains("Resources.Q.DeletionPolicy: only a literal policy is supported"));
    }

    @Test
    void refuses_duplicateYamlKeys() {
        assertThrows(RuntimeException.class, () -> parse("""
                Resources:
                  Q: {Type: AWS::SQS::Queue}
                  Q: {Type: AWS::SQS::Queue}
                """));
    }
}

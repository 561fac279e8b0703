package dev.loyaltyrelay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The house rules (STYLE.md, after buckpal): the functions' edges ({@code ingest}, {@code delivery}, {@code admin},
 * {@code figures}) are siblings that each parse their AWS event, call a use case of {@code application} and shape the
 * answer; none reaches into another. {@code domain} and {@code application} hold no AWS, Quarkus, JAX-RS or
 * fault-tolerance type; {@code application} may carry CDI's {@code jakarta.inject}/{@code jakarta.enterprise}
 * annotations, the standard its use cases are wired by, and reaches adapters only through the domain's ports. Each rule is written for a root package, so the same rules
 * are shown to fail on a violation planted in the test tree ({@code architecture.planted}).
 */
class ArchitectureTest {

    static final String ROOT = "dev.loyaltyrelay";
    static final List<String> EDGES = List.of("ingest", "delivery", "admin", "figures");

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    static final String PLANTED_ROOT = ROOT + ".architecture.planted";
    static final JavaClasses PLANTED = new ClassFileImporter().importPackages(PLANTED_ROOT);

    /** The edge depends on no other edge. */
    static ArchRule edgeIsASibling(String root, String edge) {
        String[] others = EDGES.stream().filter(other -> !other.equals(edge)).map(other -> root + "." + other + "..").toArray(String[]::new);
        return noClasses().that().resideInAPackage(root + "." + edge + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("the " + edge + " function's edge calls use cases, not another function's edge");
    }

    static ArchRule useCasesReachNoEdge(String root) {
        return noClasses().that().resideInAPackage(root + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage(EDGES.stream().map(edge -> root + "." + edge + "..").toArray(String[]::new))
                .because("an edge calls a use case, never the other way round");
    }

    /** The adapters: what implements a port (or serves only the local run). */
    static final List<String> ADAPTERS = List.of("provider", "queue", "store", "secrets", "observability", "local");

    /** A use case reaches the outside through the domain's ports only, as buckpal's services do. */
    static ArchRule useCasesReachNoAdapter(String root) {
        return noClasses().that().resideInAPackage(root + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS.stream().map(adapter -> root + "." + adapter + "..").toArray(String[]::new))
                .because("a use case names a port (DeliveryJobFormat, ProviderGateway, ConfigurationStore ...), never the adapter behind it");
    }

    static ArchRule useCasesAndDomainHoldNoFrameworkType(String root) {
        return noClasses().that().resideInAnyPackage(root + ".domain..", root + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..", "io.quarkus..", "jakarta.ws..",
                        "io.smallrye..", "org.eclipse.microprofile..")
                .because("use cases and the domain are plain Java: the AWS event and the framework stay at the edges and in the adapters");
    }

    static ArchRule domainHoldsNoWiring(String root) {
        return noClasses().that().resideInAPackage(root + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.enterprise..", "jakarta.inject..")
                .because("the domain is values and ports; wiring belongs to the use cases and adapters");
    }

    static ArchRule domainDependsOnNothingOfOurs(String root) {
        return noClasses().that().resideInAPackage(root + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".application..", root + ".ingest..", root + ".delivery..",
                        root + ".admin..", root + ".figures..", root + ".store..", root + ".queue..", root + ".secrets..",
                        root + ".provider..", root + ".local..", root + ".config..", root + ".observability..");
    }

    /** A provider is its folder: the rest of the relay reaches it through {@code ProviderAdapter} and the registry only. */
    static ArchRule providerFolderIsReachedOnlyFromItself(String root, String folder) {
        String inside = root + ".provider." + folder + "..";
        return noClasses().that().resideOutsideOfPackage(inside)
                .should().dependOnClassesThat().resideInAPackage(inside)
                .because("adding or removing a provider is its folder alone; nothing else names " + folder);
    }

    static java.util.Set<String> providerFolders(JavaClasses classes, String root) {
        String prefix = root + ".provider.";
        return classes.stream().map(c -> c.getPackageName()).filter(p -> p.startsWith(prefix))
                .map(p -> p.substring(prefix.length()).split("\\.")[0]).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void providerFolders_areReachedOnlyFromThemselves() {
        var folders = providerFolders(MAIN, ROOT);
        assertTrue(folders.containsAll(List.of("limechat", "delightchat", "bitespeed", "zoko", "wigzo")), folders.toString());
        folders.forEach(folder -> providerFolderIsReachedOnlyFromItself(ROOT, folder).check(MAIN));
    }

    @Test
    void functionEdges_doNotDependOnEachOther() {
        EDGES.forEach(edge -> edgeIsASibling(ROOT, edge).check(MAIN));
    }

    @Test
    void useCases_doNotDependOnAnEdge() {
        useCasesReachNoEdge(ROOT).check(MAIN);
    }

    @Test
    void useCases_reachAdaptersOnlyThroughPorts() {
        useCasesReachNoAdapter(ROOT).check(MAIN);
    }

    @Test
    void domainAndUseCases_importNoAwsQuarkusOrJaxRsType() {
        useCasesAndDomainHoldNoFrameworkType(ROOT).check(MAIN);
        domainHoldsNoWiring(ROOT).check(MAIN);
    }

    @Test
    void domain_dependsOnNoOtherPartOfTheProject() {
        domainDependsOnNothingOfOurs(ROOT).check(MAIN);
    }

    @Test
    void noFunctionCode_reachesTheLocalStack() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".local..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".local..")
                .check(MAIN);
    }

    @Test
    void theRulesFail_onAPlantedViolation() {
        assertTrue(PLANTED.size() >= 3, "the planted classes were imported: " + PLANTED.size());
        AssertionError edgeIntoEdge = assertThrows(AssertionError.class,
                () -> edgeIsASibling(PLANTED_ROOT, "admin").check(PLANTED));
        assertTrue(edgeIntoEdge.getMessage().contains("PlantedAdminEdge"), edgeIntoEdge.getMessage());
        AssertionError useCaseIntoEdge = assertThrows(AssertionError.class, () -> useCasesReachNoEdge(PLANTED_ROOT).check(PLANTED));
        assertTrue(useCaseIntoEdge.getMessage().contains("PlantedUseCase"), useCaseIntoEdge.getMessage());
        AssertionError useCaseIntoAdapter = assertThrows(AssertionError.class, () -> useCasesReachNoAdapter(PLANTED_ROOT).check(PLANTED));
        assertTrue(useCaseIntoAdapter.getMessage().contains("PlantedAdapterReach"), useCaseIntoAdapter.getMessage());
        AssertionError awsInUseCase = assertThrows(AssertionError.class, () -> useCasesAndDomainHoldNoFrameworkType(PLANTED_ROOT).check(PLANTED));
        assertTrue(awsInUseCase.getMessage().contains("com.amazonaws.services.lambda.runtime.Context"), awsInUseCase.getMessage());
        assertTrue(providerFolders(PLANTED, PLANTED_ROOT).contains("acme"));
        AssertionError edgeIntoProvider = assertThrows(AssertionError.class,
                () -> providerFolderIsReachedOnlyFromItself(PLANTED_ROOT, "acme").check(PLANTED));
        assertTrue(edgeIntoProvider.getMessage().contains("PlantedProviderReach"), edgeIntoProvider.getMessage());
    }
}

package dev.loyaltyrelay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain and its ports stay free of AWS, Quarkus and JAX-RS types (STYLE.md, after buckpal). */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loyaltyrelay");

    @Test
    void domain_importsNoFrameworkOrAwsType() {
        noClasses().that().resideInAPackage("dev.loyaltyrelay.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon..", "com.amazonaws..", "io.quarkus..", "jakarta.ws..", "jakarta.enterprise..",
                        "jakarta.inject..", "io.smallrye..", "org.eclipse.microprofile..")
                .check(MAIN);
    }

    @Test
    void domain_dependsOnNoAdapter() {
        noClasses().that().resideInAPackage("dev.loyaltyrelay.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.loyaltyrelay.ingest..", "dev.loyaltyrelay.store..", "dev.loyaltyrelay.queue..",
                        "dev.loyaltyrelay.secrets..", "dev.loyaltyrelay.local..", "dev.loyaltyrelay.config..")
                .check(MAIN);
    }

    @Test
    void noFunctionCode_reachesTheLocalStack() {
        noClasses().that().resideOutsideOfPackage("dev.loyaltyrelay.local..")
                .should().dependOnClassesThat().resideInAPackage("dev.loyaltyrelay.local..")
                .check(MAIN);
    }
}

package dev.mpp.runtime.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's layering, checked on the compiled main classes of every module: the API depends on
 * the JDK alone, plugins on the API (and slf4j) alone, and the runtime names no plugin class.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.mpp");
        // A scan that silently finds nothing would pass every rule below.
        assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith("dev.mpp.api")), "no API classes imported");
        assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith("dev.mpp.runtime")), "no runtime classes imported");
        assertTrue(classes.stream().filter(c -> c.getPackageName().startsWith("dev.mpp.plugin.")).count() >= 5,
                "fewer plugin classes imported than expected");
    }

    @Test
    void apiDependsOnTheJdkAlone() {
        ArchRuleDefinition.classes().that().resideInAPackage("dev.mpp.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.mpp.api..", "java..")
                .check(classes);
    }

    @Test
    void pluginsDependOnTheApiAndSlf4jAlone() {
        ArchRuleDefinition.classes().that().resideInAPackage("dev.mpp.plugin..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.mpp.api..", "dev.mpp.plugin..", "org.slf4j..", "java..", "javax.crypto..")
                .check(classes);
    }

    @Test
    void pluginsDoNotDependOnEachOther() {
        slices().matching("dev.mpp.plugin.(*)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void runtimeNamesNoPluginClass() {
        noClasses().that().resideInAPackage("dev.mpp.runtime..")
                .should().dependOnClassesThat().resideInAPackage("dev.mpp.plugin..")
                .check(classes);
    }

    @Test
    void onlyTheRegistryCallsServiceLoader() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.mpp.runtime.plugin.PluginRegistry")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.util.ServiceLoader")
                .check(classes);
    }
}

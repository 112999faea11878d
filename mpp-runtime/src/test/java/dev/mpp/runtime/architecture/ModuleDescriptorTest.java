package dev.mpp.runtime.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The module descriptors of the built JARs, which ArchUnit cannot see: a plugin requires only
 * the API, slf4j and {@code java.*}, exports and opens nothing, and provides at least one SPI.
 */
class ModuleDescriptorTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TestFactory
    Stream<DynamicTest> everyPluginJarRequiresOnlyTheApiAndExportsNothing() throws IOException {
        List<Path> jars = pluginJars();
        assertFalse(jars.isEmpty(), "no plugin JARs under " + REPO.resolve("plugins") + "; run mvn package first");
        return jars.stream().map(jar -> DynamicTest.dynamicTest(jar.getFileName().toString(), () -> {
            ModuleDescriptor d = descriptor(jar);
            assertFalse(d.isAutomatic(), d.name() + " must be a named module with a module-info");
            assertTrue(d.name().startsWith("dev.mpp.plugin."), d.name() + ": a plugin module is named dev.mpp.plugin.<name>");
            for (ModuleDescriptor.Requires r : d.requires()) {
                String name = r.name();
                assertTrue(name.equals("dev.mpp.api") || name.equals("org.slf4j") || name.startsWith("java."),
                        d.name() + " requires " + name + " (allowed: dev.mpp.api, org.slf4j, java.*)");
            }
            assertEquals(Set.of(), d.exports(), d.name() + " must export nothing");
            assertEquals(Set.of(), d.opens(), d.name() + " must open nothing");
            assertFalse(d.provides().isEmpty(), d.name() + " provides no SPI");
            for (ModuleDescriptor.Provides p : d.provides()) {
                assertTrue(p.service().startsWith("dev.mpp.api.spi."), d.name() + " provides " + p.service() + ", not an MPP SPI");
            }
        }));
    }

    @Test
    void apiRequiresJavaBaseAlone() throws IOException {
        ModuleDescriptor api = descriptor(jarIn(REPO.resolve("mpp-api/target")));
        assertEquals(Set.of("java.base"), api.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }

    private static List<Path> pluginJars() throws IOException {
        try (Stream<Path> modules = Files.list(REPO.resolve("plugins"))) {
            return modules.filter(Files::isDirectory).map(m -> m.resolve("target")).filter(Files::isDirectory)
                    .map(ModuleDescriptorTest::jarIn).sorted().toList();
        }
    }

    private static Path jarIn(Path target) {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.toString().endsWith(".jar") && !f.toString().endsWith("-sources.jar")
                            && !f.toString().endsWith("-tests.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no JAR in " + target + "; run mvn package first"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ModuleDescriptor descriptor(Path jar) {
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        assertEquals(1, found.size(), jar + " holds " + found.size() + " modules");
        return found.iterator().next().descriptor();
    }
}

package dev.mpp.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.spi.AuthenticatorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery over the boot layer and a plugins folder of real JARs, one module layer each. */
class PluginRegistryTest {
    @Test
    void bootLayerHasTheBuiltInProviders() {
        Providers<AuthenticatorProvider> auth = PluginRegistry.load(null).providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class);
        assertEquals("none", auth.get("none").name());
        assertEquals("username-password", auth.get("username-password").name());
    }

    @Test
    void aJarDroppedIntoThePluginsFolderIsDiscoveredInItsOwnLayer(@TempDir Path plugins) throws Exception {
        PluginJars.authenticatorPlugin(plugins, "test.dropin", "test-drop", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        Discovered<?> found = registry.all().stream().filter(d -> d.name().equals("test-drop")).findFirst().orElseThrow();
        assertEquals("test.dropin", found.module());
        assertEquals("test.dropin.jar", found.source());
        assertTrue(registry.problems().isEmpty(), registry.problems().toString());
        AuthenticatorProvider provider = registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get("test-drop");
        assertEquals("test.dropin", provider.getClass().getModule().getName());
        assertTrue(provider.getClass().getModule().getLayer() != ModuleLayer.boot(), "a plugin gets a layer of its own");
    }

    @Test
    void twoProvidersWithOneNameIsAnErrorNamingBothModules(@TempDir Path plugins) throws Exception {
        PluginJars.authenticatorPlugin(plugins, "test.impostor", "none", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        ConfigException e = assertThrows(ConfigException.class,
                () -> registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class));
        assertEquals("two authenticator providers are named 'none': in module dev.mpp.plugin.auth (boot) and in module "
                + "test.impostor (test.impostor.jar); remove one of them", e.getMessage());
    }

    @Test
    void aCorruptJarIsReportedByNameAndSkipped(@TempDir Path plugins) throws Exception {
        Files.write(plugins.resolve("corrupt.jar"), new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p'});
        PluginJars.authenticatorPlugin(plugins, "test.fine", "test-fine", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.problems().size(), registry.problems().toString());
        assertTrue(registry.problems().getFirst().startsWith("corrupt.jar: skipped: "), registry.problems().getFirst());
        registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get("test-fine");
    }

    @Test
    void aJarMissingADependencyIsReportedByNameAndSkipped(@TempDir Path plugins) throws Exception {
        Path build = Files.createTempDirectory("build");
        // javac refuses to compile against a missing module, so compile against a real one and rename it afterwards.
        Path jar = PluginJars.authenticatorPlugin(build, "test.needy", "test-needy", "java.compiler");
        Files.copy(jar, plugins.resolve("test.needy.jar"));
        Files.write(plugins.resolve("test.needy.jar"), rewriteRequires(Files.readAllBytes(plugins.resolve("test.needy.jar"))));
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.problems().size(), registry.problems().toString());
        assertTrue(registry.problems().getFirst().startsWith("test.needy.jar: skipped: "), registry.problems().getFirst());
        assertTrue(registry.all().stream().noneMatch(d -> d.name().equals("test-needy")));
    }

    /** Makes the JAR's module-info require "java.compilez", a module no JDK has (same length, so the class file stays valid). */
    private static byte[] rewriteRequires(byte[] jar) throws Exception {
        Path tmp = Files.createTempDirectory("rewrite");
        try (var zip = java.nio.file.FileSystems.newFileSystem(Files.write(tmp.resolve("x.jar"), jar))) {
            Path info = zip.getPath("module-info.class");
            byte[] bytes = Files.readAllBytes(info);
            String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            Files.write(info, text.replace("java.compiler", "java.compilez").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return Files.readAllBytes(tmp.resolve("x.jar"));
    }
}

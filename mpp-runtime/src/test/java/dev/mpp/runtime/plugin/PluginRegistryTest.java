package dev.mpp.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.spi.AuthenticatorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery over the boot layer and a plugins folder of real JARs and folders, one module layer each. */
class PluginRegistryTest {
    @Test
    void bootLayerHasTheBuiltInProviders() {
        PluginRegistry registry = PluginRegistry.load(null);
        Providers<AuthenticatorProvider> auth = registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class);
        assertEquals("none", auth.get("none").name());
        assertEquals("username-password", auth.get("username-password").name());
        assertTrue(registry.all().stream().allMatch(d -> d.origin().equals(Discovered.BUILT_IN)), registry.all().toString());
    }

    @Test
    void thePeerPortIsTheBuiltInInboundNamedMpp() {
        Set<String> inbounds = PluginRegistry.load(null).all().stream().filter(d -> d.spi() == Spi.INBOUND)
                .map(d -> d.name() + " " + d.module()).collect(Collectors.toSet());
        assertEquals(Set.of("socks5 dev.mpp.plugin.socks5", "mpp dev.mpp.runtime"), inbounds);
    }

    @Test
    void aJarDroppedIntoThePluginsFolderIsDiscoveredInItsOwnLayer(@TempDir Path plugins) throws Exception {
        Path jar = PluginJars.authenticatorPlugin(plugins, "test.dropin", "test-drop", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        Discovered<?> found = registry.all().stream().filter(d -> d.name().equals("test-drop")).findFirst().orElseThrow();
        assertEquals("test.dropin", found.module());
        assertEquals(jar.toString(), found.origin());
        assertEquals(List.of(), registry.skipped());
        AuthenticatorProvider provider = registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get("test-drop");
        assertEquals("test.dropin", provider.getClass().getModule().getName());
        assertTrue(provider.getClass().getModule().getLayer() != ModuleLayer.boot(), "a plugin gets a layer of its own");
    }

    @Test
    void aFolderIsOnePluginWithItsOwnDependencyJarsInOneLayer(@TempDir Path plugins) throws Exception {
        Path folder = PluginJars.folderPlugin(plugins, "test.folder", "test-folder");
        PluginJars.authenticatorPlugin(plugins, "test.plain", "test-plain", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(), registry.skipped());
        Discovered<?> found = registry.all().stream().filter(d -> d.name().equals("test-folder")).findFirst().orElseThrow();
        assertEquals("test.folder", found.module());
        assertEquals(folder.toString(), found.origin());
        Module plugin = found.provider().getClass().getModule();
        Module library = plugin.getLayer().findModule("test.folder.names").orElseThrow();
        assertTrue(plugin.canRead(library), "the plugin reads the library beside it");
        assertEquals(ModuleLayer.boot(), plugin.getLayer().parents().getFirst(), "the folder's layer is a child of the boot layer");
        Module plain = registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get("test-plain").getClass().getModule();
        assertTrue(plain.getLayer() != plugin.getLayer(), "each plugin has a layer of its own");
        assertTrue(plain.getLayer().findModule("test.folder.names").isEmpty(), "a plugin cannot see another's library");
    }

    @Test
    void twoProvidersWithOneNameIsAnErrorNamingBothModulesAndWhereTheyCameFrom(@TempDir Path plugins) throws Exception {
        Path jar = PluginJars.authenticatorPlugin(plugins, "test.impostor", "none", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        String expected = "two authenticator providers are named 'none': in module dev.mpp.plugin.auth (built-in) and in "
                + "module test.impostor (" + jar + "); remove one of them";
        ConfigException e = assertThrows(ConfigException.class,
                () -> registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class));
        assertEquals(expected, e.getMessage());
        assertEquals(List.of(expected), registry.clashes());
        assertEquals(expected, assertThrows(ConfigException.class, registry::requireDistinctNames).getMessage());
    }

    @Test
    void aCorruptJarIsReportedByPathAndSkipped(@TempDir Path plugins) throws Exception {
        Path corrupt = Files.write(plugins.resolve("corrupt.jar"), "not a zip".getBytes(StandardCharsets.US_ASCII));
        PluginJars.authenticatorPlugin(plugins, "test.fine", "test-fine", null);
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.skipped().size(), registry.skipped().toString());
        assertEquals(corrupt.toString(), registry.skipped().getFirst().origin());
        assertTrue(registry.skipped().getFirst().reason().startsWith("skipped: cannot read its module: "), registry.skipped().toString());
        registry.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get("test-fine");
    }

    @Test
    void aJarWithABrokenModuleDescriptorIsReportedWithWhyAndSkipped(@TempDir Path plugins) throws Exception {
        Path broken = PluginJars.brokenDescriptor(plugins, "broken.jar");
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(new Skipped(broken.toString(), "skipped: cannot read its module: Error reading module: "
                + broken + ": Bad magic number")), registry.skipped());
    }

    @Test
    void aJarMissingADependencyIsReportedWithTheMissingModuleAndSkipped(@TempDir Path plugins) throws Exception {
        Path build = Files.createTempDirectory("build");
        // javac refuses to compile against a missing module, so compile against a real one and rename it afterwards.
        Path jar = Files.copy(PluginJars.authenticatorPlugin(build, "test.needy", "test-needy", "java.compiler"),
                plugins.resolve("test.needy.jar"));
        rewriteRequires(jar);
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.skipped().size(), registry.skipped().toString());
        assertEquals(jar.toString(), registry.skipped().getFirst().origin());
        assertTrue(registry.skipped().getFirst().reason().startsWith(
                "skipped: cannot resolve its module: Module java.compilez not found, required by test.needy (a plugin may "
                        + "require only"), registry.skipped().toString());
        assertTrue(registry.all().stream().noneMatch(d -> d.name().equals("test-needy")));
    }

    @Test
    void aFolderWithoutJarsIsReportedAndOtherFilesAreIgnored(@TempDir Path plugins) throws Exception {
        Path empty = Files.createDirectories(plugins.resolve("empty"));
        Files.writeString(plugins.resolve("README.txt"), "not a plugin");
        Files.createDirectories(plugins.resolve(".hidden"));
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(new Skipped(empty.toString(), "skipped: holds no JAR (a plugin folder holds the plugin JAR "
                + "and the JARs it needs)")), registry.skipped());
    }

    @Test
    void aPluginThatCarriesItsOwnCopyOfAnImageModuleIsReportedAndSkipped(@TempDir Path plugins) throws Exception {
        Path folder = Files.createDirectories(plugins.resolve("with-own-api"));
        PluginJars.schedulerPlugin(folder, "test.ownapi", "test-own-api");
        PluginJars.module(folder, "org.slf4j", "", Map.of("Shadow", "public final class Shadow {}"));
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(new Skipped(folder.toString(), "skipped: carries org.slf4j, which the image already has: "
                + "remove it from the plugin (a plugin uses the image's dev.mpp.api, org.slf4j and JDK modules)")),
                registry.skipped());
        assertTrue(registry.all().stream().noneMatch(d -> d.name().equals("test-own-api")));
    }

    @Test
    void aJarThatProvidesNothingIsReportedRatherThanLoadedSilently(@TempDir Path plugins) throws Exception {
        Path jar = PluginJars.module(plugins, "test.nothing", "", Map.of("Nothing", "public final class Nothing {}"));
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(new Skipped(jar.toString(), "skipped: provides no MPP plugin (its module-info has no "
                + "'provides' of a dev.mpp.api.spi provider interface)")), registry.skipped());
    }

    /** Makes the JAR's module-info require "java.compilez", a module no JDK has (same length, so the class file stays valid). */
    private static void rewriteRequires(Path jar) throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path info = zip.getPath("module-info.class");
            String text = new String(Files.readAllBytes(info), StandardCharsets.ISO_8859_1);
            Files.write(info, text.replace("java.compiler", "java.compilez").getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}

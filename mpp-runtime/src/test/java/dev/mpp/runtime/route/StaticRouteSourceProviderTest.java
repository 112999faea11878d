package dev.mpp.runtime.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.HostPort;
import dev.mpp.api.spi.RouteSource;
import dev.mpp.api.spi.RouteSourceProvider;
import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.plugin.Discovered;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's own route source is found by name like any plugin's, and starts watching only with a file. */
class StaticRouteSourceProviderTest {
    @Test
    void theRegistryFindsTheStaticSourceInTheRuntimeModule() {
        PluginRegistry registry = PluginRegistry.load(null);
        RouteSourceProvider provider = registry.providers(Spi.ROUTE_SOURCE, RouteSourceProvider.class).get("static");
        assertTrue(provider instanceof StaticRouteSourceProvider, provider.getClass().getName());
        Discovered<?> found = registry.all().stream().filter(d -> d.spi() == Spi.ROUTE_SOURCE && d.name().equals("static"))
                .findFirst().orElseThrow();
        assertEquals("dev.mpp.runtime", found.module());
    }

    @Test
    void withAFileTheSourceWatchesItUntilClosed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mpp.json"), """
                {"mpp": {"listen": "0.0.0.0:7700", "peerKey": "%s"},
                 "routes": [{"match": ["*.example.org"], "peer": "10.9.9.9:7700", "paths": [{"name": "a"}]}]}"""
                .formatted(Routes.NODE_KEY));
        RouteSource source = new StaticRouteSourceProvider().create(StaticRouteSourceProvider.options(
                new ConfigLoader().load(file).routes(), Routes.NODE_KEY, file));
        try {
            assertTrue(source.lookup(new HostPort("www.example.org", 443)).isPresent());
            assertTrue(((StaticRouteSource) source).watching());
        } finally {
            source.close();
        }
        assertFalse(((StaticRouteSource) source).watching());
    }
}

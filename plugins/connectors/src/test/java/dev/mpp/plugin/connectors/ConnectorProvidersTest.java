package dev.mpp.plugin.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.PathConnectorProvider;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorProvidersTest {
    private final List<PathConnectorProvider> providers = List.of(new DirectConnectorProvider(), new Socks5ChainConnectorProvider());

    @Test
    void theProvidersAreNamedDirectAndSocks5Chain() {
        assertEquals(List.of("direct", "socks5-chain"), providers.stream().map(PathConnectorProvider::name).toList());
        for (PathConnectorProvider p : providers) {
            assertTrue(p.name().matches("[a-z0-9][a-z0-9-]*"), p.name());
            assertTrue(!p.description().isBlank(), p.name() + " has no description");
            assertNotNull(p.create(Options.empty("routes[0].connector")));
        }
    }

    @Test
    void neitherTakesOptions() {
        for (PathConnectorProvider p : providers) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> p.create(Options.of("connector", Map.of("retries", 3L))));
            assertTrue(e.getMessage().startsWith("connector.retries: unknown option"), e.getMessage());
        }
    }

    @Test
    void theModuleProvidesBothConnectorsAndExportsNothing() {
        ModuleDescriptor module = ModuleFinder.of(Path.of("target/classes")).findAll().iterator().next().descriptor();
        assertEquals("dev.mpp.plugin.connectors", module.name());
        assertEquals(Set.of(), module.exports());
        ModuleDescriptor.Provides provides = module.provides().iterator().next();
        assertEquals(1, module.provides().size());
        assertEquals(PathConnectorProvider.class.getName(), provides.service());
        assertEquals(List.of(DirectConnectorProvider.class.getName(), Socks5ChainConnectorProvider.class.getName()),
                provides.providers());
    }
}

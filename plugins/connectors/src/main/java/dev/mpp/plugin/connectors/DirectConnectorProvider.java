package dev.mpp.plugin.connectors;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathConnector;
import dev.mpp.api.spi.PathConnectorProvider;
import java.util.Set;

/** {@code direct}: a path that is one TCP connection straight to the peer. No options. */
public final class DirectConnectorProvider implements PathConnectorProvider {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String description() {
        return "a TCP connection straight to the peer";
    }

    @Override
    public PathConnector create(Options options) {
        options.requireOnly(Set.of());
        return new DirectConnector();
    }
}

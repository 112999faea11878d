package dev.mpp.plugin.connectors;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathConnector;
import dev.mpp.api.spi.PathConnectorProvider;
import java.util.Set;

/**
 * {@code socks5-chain}: a path through one or more SOCKS5 relays (RFC 1928), each with its own
 * optional user name and password (RFC 1929). No options.
 */
public final class Socks5ChainConnectorProvider implements PathConnectorProvider {
    @Override
    public String name() {
        return "socks5-chain";
    }

    @Override
    public String description() {
        return "through a chain of SOCKS5 relays, RFC 1929 authentication per hop";
    }

    @Override
    public PathConnector create(Options options) {
        options.requireOnly(Set.of());
        return new Socks5ChainConnector();
    }
}

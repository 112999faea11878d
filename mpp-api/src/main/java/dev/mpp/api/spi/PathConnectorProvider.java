package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link PathConnector}s: {@code direct} and {@code socks5-chain}. */
public interface PathConnectorProvider extends PluginProvider {
    /** Called once at start-up on the main thread. */
    PathConnector create(Options options);
}

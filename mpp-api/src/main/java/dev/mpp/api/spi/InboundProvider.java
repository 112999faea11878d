package dev.mpp.api.spi;

/** Makes {@link Inbound}s: {@code socks5} for clients, {@code mpp} for peers. */
public interface InboundProvider extends PluginProvider {
    /**
     * Creates the inbound for one listener; called once at start-up on the main thread.
     *
     * @throws dev.mpp.api.ConfigException if the options are wrong
     */
    Inbound create(InboundContext context);
}

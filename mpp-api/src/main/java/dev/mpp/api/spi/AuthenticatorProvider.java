package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link Authenticator}s; the config selects one with {@code socks.auth.method}. */
public interface AuthenticatorProvider extends PluginProvider {
    /**
     * Creates the authenticator for one listener. Called once at start-up, on the main thread.
     *
     * @param options {@code socks.auth} without its {@code method} member
     * @throws dev.mpp.api.ConfigException if the options are wrong
     */
    Authenticator create(Options options);
}

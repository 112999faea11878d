package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link RouteSource}s; {@code static} reads the config file's {@code routes}. */
public interface RouteSourceProvider extends PluginProvider {
    /**
     * Called once at start-up on the main thread.
     *
     * @param options the route source's options; for {@code static}, the config file's path and routes
     * @throws dev.mpp.api.ConfigException if the options are wrong
     */
    RouteSource create(Options options);
}

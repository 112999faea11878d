package dev.mpp.runtime.route;

import dev.mpp.api.spi.RouteSource;
import dev.mpp.runtime.config.ConfigLoader;

/** Route sources made the way the node makes them: a config parsed by the loader, then the provider. */
final class Routes {
    /** The node's own {@code mpp.peerKey} in these tests. */
    static final String NODE_KEY = "node-key-node-key-node-key-node-key";

    private Routes() {}

    /** A source for the config {@code json}, without a node key and without watching. */
    static RouteSource fromConfig(String json) {
        return fromConfig(json, null);
    }

    static RouteSource fromConfig(String json, String nodePeerKey) {
        return new StaticRouteSourceProvider().create(
                StaticRouteSourceProvider.options(new ConfigLoader().parse(json).routes(), nodePeerKey, null));
    }

    /** A source for a config of just {@code routes}, written as the members of the list, with the node's key. */
    static RouteSource of(String routes) {
        return fromConfig("{\"routes\": [" + routes + "]}", NODE_KEY);
    }
}

package dev.mpp.plugin.connectors;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.Route.RelayHop;
import java.util.List;

/** Route paths for tests. */
final class Paths {
    private Paths() {}

    static Route.Path direct(HostPort peer) {
        return new Route.Path("direct", List.of(), 1, peer);
    }

    static Route.Path through(HostPort peer, RelayHop... hops) {
        return new Route.Path("chain", List.of(hops), 1, peer);
    }
}

package dev.mpp.runtime.config;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import java.util.List;

/**
 * A node: any of a SOCKS listener, an MPP peer listener and an admin listener, plus routes.
 *
 * @param socks  the SOCKS5 listener, or null for none
 * @param mpp    the MPP peer listener, or null for none
 * @param admin  the admin listener, or null for none
 * @param routes multipath routes; empty for none
 */
public record NodeConfig(SocksConfig socks, MppConfig mpp, AdminConfig admin, List<RouteConfig> routes) {
    public NodeConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** The embedded default: SOCKS5 on 127.0.0.1:1080 without authentication. */
    public static NodeConfig defaults() {
        return new NodeConfig(SocksConfig.defaults(), null, null, List.of());
    }

    /** The MPP peer listener. */
    public record MppConfig(HostPort listen, String peerKey) {
        public MppConfig {
            Required.check("listen", listen);
            Required.check("peerKey", peerKey);
            if (peerKey.length() < 32) {
                throw new FieldException("peerKey", peerKey.length() + " characters (expected: at least 32)");
            }
        }
    }

    /** The admin (metrics, health) listener. */
    public record AdminConfig(HostPort listen) {
        public AdminConfig {
            Required.check("listen", listen);
        }
    }

    /** One multipath route, as written in the file. */
    public record RouteConfig(List<String> match, HostPort peer, String peerKey, List<PathConfig> paths,
                              String scheduler, String arq, String framing, String fallback) {
        public RouteConfig {
            match = match == null ? List.of() : List.copyOf(match);
            if (match.isEmpty()) {
                throw new FieldException("match", "empty (expected: CIDRs, host names or host:port)");
            }
            Required.check("peer", peer);
            paths = paths == null ? List.of() : List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new FieldException("paths", "empty (expected: at least one path)");
            }
            scheduler = scheduler == null ? "round-robin" : scheduler;
            arq = arq == null ? "selective-repeat" : arq;
            framing = framing == null ? "binary" : framing;
            fallback = fallback == null ? "direct" : fallback;
            if (!fallback.equals("direct") && !fallback.equals("refuse")) {
                throw new FieldException("fallback", "'" + fallback + "' (expected: direct or refuse)");
            }
        }
    }

    /** One path of a route. */
    public record PathConfig(String name, List<Route.RelayHop> via, Integer weight, HostPort peer) {
        public PathConfig {
            Required.check("name", name);
            via = via == null ? List.of() : List.copyOf(via);
            weight = weight == null ? 1 : weight;
            if (weight < 1) {
                throw new FieldException("weight", weight + " (expected: at least 1)");
            }
        }
    }

}

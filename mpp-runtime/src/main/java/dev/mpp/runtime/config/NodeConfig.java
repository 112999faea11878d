package dev.mpp.runtime.config;

import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import java.util.List;

/**
 * A node: any of a SOCKS listener, an MPP peer listener and an admin listener, plus routes.
 *
 * @param socks  the SOCKS5 listener, or null for none
 * @param mpp    the MPP peer listener, or null for none
 * @param admin  the admin listener, or null for none
 * @param routes multipath routes as written, each with its path ({@code routes[0]}) and locations; the
 *               {@code static} route source ({@code dev.mpp.runtime.route}) validates them; empty for none
 */
public record NodeConfig(SocksConfig socks, MppConfig mpp, AdminConfig admin, List<Options> routes) {
    public NodeConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** The embedded default: SOCKS5 on 127.0.0.1:1080 without authentication. */
    public static NodeConfig defaults() {
        return new NodeConfig(SocksConfig.defaults(), null, null, List.of());
    }

    /** The admin (metrics, health) listener. */
    public record AdminConfig(HostPort listen) {
        public AdminConfig {
            Required.check("listen", listen);
        }
    }
}

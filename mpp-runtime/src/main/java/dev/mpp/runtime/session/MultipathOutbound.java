package dev.mpp.runtime.session;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.spi.Outbound;
import dev.mpp.api.spi.RouteSource;
import dev.mpp.api.spi.Upstream;
import dev.mpp.runtime.net.DirectOutbound;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out for a SOCKS client when the node has routes: a destination that matches a route
 * gets a multipath session; anything else, and a route whose peer cannot be used with
 * {@code fallback: direct}, connects directly.
 *
 * <p>The access rules hold for routed destinations too: an IP literal is checked before any
 * session is opened; a name is not resolved here (the peer resolves it, and its own rules apply).
 */
public final class MultipathOutbound implements Outbound {
    private static final Logger log = LoggerFactory.getLogger(MultipathOutbound.class);

    private final RouteSource routes;
    private final SessionOpener opener;
    private final DirectOutbound direct;

    public MultipathOutbound(RouteSource routes, SessionOpener opener, DirectOutbound direct) {
        this.routes = routes;
        this.opener = opener;
        this.direct = direct;
    }

    @Override
    public Upstream connect(InetSocketAddress client, HostPort destination) throws ConnectException {
        Optional<Route> route = routes.lookup(destination);
        if (route.isEmpty()) {
            return direct.connect(client, destination);
        }
        if (isIpLiteral(destination.host())) {
            direct.permit(client, destination);
        }
        try {
            return opener.open(route.get(), destination);
        } catch (ConnectException e) {
            if (route.get().fallback() == Route.Fallback.REFUSE) {
                throw e;
            }
            log.info("{}: multipath not available ({}); connecting directly (fallback: direct)", destination, e.getMessage());
            return direct.connect(client, destination);
        }
    }

    @Override
    public InetSocketAddress permit(InetSocketAddress client, HostPort destination) throws ConnectException {
        return direct.permit(client, destination);
    }

    @Override
    public boolean admits(InetAddress client) {
        return direct.admits(client);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}

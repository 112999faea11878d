package dev.mpp.plugin.connectors;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.spi.PathConnector;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects straight to the target: resolves it and tries each address until one connects or the
 * timeout passes. The socket comes from a {@link java.nio.channels.SocketChannel}, so
 * {@link Socket#getChannel()} is never null. Stateless, so thread-safe.
 */
final class DirectConnector implements PathConnector {
    private static final Logger log = LoggerFactory.getLogger(DirectConnector.class);

    @Override
    public Socket connect(Route.Path path, HostPort target, Duration timeout) throws ConnectException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(timeout, "timeout");
        if (!path.via().isEmpty()) {
            // Going straight to the peer would skip the relays the path was configured to use.
            throw new ConnectException(ConnectFailure.GENERAL, "path " + path.name() + ": has " + path.via().size()
                    + " relays, which the direct connector cannot use (expected: socks5-chain)");
        }
        long start = System.nanoTime();
        Socket socket = Dial.open(target, Deadline.after(timeout), target.toString()).socket();
        log.debug("path {}: connected to {} in {} ms", path.name(), target, (System.nanoTime() - start) / 1_000_000);
        return socket;
    }
}

package dev.mpp.plugin.connectors;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.Route.RelayHop;
import dev.mpp.api.spi.PathConnector;
import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects through {@code path.via()}: a TCP connection to the first relay, then one SOCKS5
 * CONNECT per hop, each sent through the tunnel the previous hops built, the last one to the
 * target. The target's name goes to the last relay unresolved (ATYP 3), so only it looks the
 * name up. The whole chain shares one {@link Deadline}. Stateless, so thread-safe.
 *
 * <p>With an empty {@code via} there is nothing to chain through and the path is direct.
 */
final class Socks5ChainConnector implements PathConnector {
    private static final Logger log = LoggerFactory.getLogger(Socks5ChainConnector.class);

    @Override
    public Socket connect(Route.Path path, HostPort target, Duration timeout) throws ConnectException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(timeout, "timeout");
        Deadline deadline = Deadline.after(timeout);
        long start = System.nanoTime();
        List<RelayHop> hops = path.via();
        if (hops.isEmpty()) {
            return Dial.open(target, deadline, target.toString()).socket();
        }
        // Refuse what cannot be encoded before any connection exists.
        List<Socks5Handshake> handshakes = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            boolean last = i == hops.size() - 1;
            handshakes.add(Socks5Handshake.prepare(i + 1, hops.get(i), last ? target : hops.get(i + 1).address(), last));
        }
        SocketChannel channel = Dial.open(hops.getFirst().address(), deadline, Socks5Handshake.label(1, hops.getFirst()));
        try {
            Socket socket = channel.socket();
            for (Socks5Handshake handshake : handshakes) {
                handshake.run(socket, deadline);
            }
            socket.setSoTimeout(0); // the caller gets a socket without a leftover read timeout
            log.debug("path {}: connected to {} through {} relays in {} ms", path.name(), target, hops.size(),
                    (System.nanoTime() - start) / 1_000_000);
            return socket;
        } catch (ConnectException e) {
            Dial.closeQuietly(channel);
            log.debug("path {}: {}", path.name(), e.getMessage());
            throw e;
        } catch (IOException | RuntimeException e) {
            Dial.closeQuietly(channel);
            throw new ConnectException(ConnectFailure.GENERAL, "path " + path.name() + " to " + target + ": " + e, e);
        }
    }
}

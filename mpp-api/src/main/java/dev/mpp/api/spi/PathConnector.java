package dev.mpp.api.spi;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import java.net.Socket;
import java.time.Duration;

/**
 * Opens one path's TCP stream to the peer: directly, or through a chain of SOCKS5 relays.
 * Thread-safe; {@link #connect} blocks and is called on a virtual thread per path.
 */
public interface PathConnector {
    /**
     * Opens a connected socket whose far end is {@code target}, going through {@code path.via()}.
     *
     * @param timeout for the whole chain, every hop's handshake included
     * @throws ConnectException with the failing hop in the message and the real reason
     */
    Socket connect(Route.Path path, HostPort target, Duration timeout) throws ConnectException;
}

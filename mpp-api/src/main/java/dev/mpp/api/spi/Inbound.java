package dev.mpp.api.spi;

import java.io.IOException;
import java.net.Socket;

/**
 * Serves the connections accepted by one listener. The runtime owns the listening socket, the
 * connection limits and the threads; an inbound only speaks its protocol on one accepted socket.
 */
public interface Inbound {
    /**
     * Serves one accepted connection until it ends. Called on the connection's own virtual thread,
     * concurrently for many connections. The runtime closes {@code client} when this returns or throws.
     *
     * @param client    the accepted socket
     * @param handshake call {@link HandshakeTimer#done()} once the protocol's handshake is complete
     * @throws IOException if the client's socket fails; logged at debug level, never fatal
     */
    void serve(Socket client, HandshakeTimer handshake) throws IOException;
}

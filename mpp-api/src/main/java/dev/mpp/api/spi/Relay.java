package dev.mpp.api.spi;

import java.io.IOException;
import java.net.Socket;

/**
 * Copies bytes both ways between an accepted client and its upstream until both directions have
 * ended, carrying half-close from each side to the other. Buffers are bounded; a connection idle
 * in both directions for the configured idle timeout is closed. Thread-safe.
 */
public interface Relay {
    /**
     * Blocks until the exchange is over, then closes {@code upstream}; the caller closes the client.
     * Called on the connection's own virtual thread.
     */
    void relay(Socket client, Upstream upstream) throws IOException;
}

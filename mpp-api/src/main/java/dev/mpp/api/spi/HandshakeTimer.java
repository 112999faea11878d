package dev.mpp.api.spi;

/**
 * The absolute deadline of a connection's handshake. The runtime arms it when it accepts the
 * connection and closes the socket when it expires, whatever the client sends (one byte a second
 * does not keep a handshake alive).
 */
public interface HandshakeTimer {
    /** The handshake is over: disarm the deadline. Idempotent; callable from any thread. */
    void done();
}

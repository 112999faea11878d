package dev.mpp.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One SOCKS5 authentication method (RFC 1928 section 3): its method code and its sub-negotiation.
 *
 * <p>Created once per listener by an {@link AuthenticatorProvider}; {@link #authenticate} is called
 * concurrently from many connection threads, so an implementation is thread-safe.
 */
public interface Authenticator {
    /** The METHOD byte this authenticator implements, 0x00 to 0xFE ({@code 0x00} none, {@code 0x02} RFC 1929). */
    int method();

    /**
     * Runs the method-specific sub-negotiation after the server selected {@link #method()}.
     * Blocks on the client's streams; the caller enforces the handshake deadline by closing the
     * socket. An unknown user and a wrong password must get the same answer on the wire.
     *
     * @return the outcome; never null
     * @throws IOException if the client's streams fail or the client breaks the sub-protocol
     */
    AuthResult authenticate(InputStream in, OutputStream out) throws IOException;

    /** The outcome of a sub-negotiation. */
    sealed interface AuthResult {
        /** The client is who it said; {@code user} is empty for anonymous methods. */
        record Accepted(String user) implements AuthResult {}

        /** The client is refused; {@code reason} is for the log, never for the client. */
        record Rejected(String reason) implements AuthResult {}
    }
}

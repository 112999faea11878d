package dev.mpp.api.spi;

/**
 * Proves that a path belongs to a peer that holds the shared key: OPEN is authenticated with it,
 * and JOIN proves knowledge of the session by a MAC over the MID and both sides' nonces.
 * Thread-safe and stateless apart from the key.
 */
public interface PeerAuthenticator {
    /** A proof over {@code transcript} (the exact bytes both sides agree on); never null. */
    byte[] prove(byte[] transcript);

    /** Whether {@code proof} is the proof of {@code transcript}, compared in constant time. */
    boolean verify(byte[] transcript, byte[] proof);
}

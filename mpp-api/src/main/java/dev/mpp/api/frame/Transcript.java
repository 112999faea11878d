package dev.mpp.api.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes that the proofs of OPEN, OPEN-OK, JOIN and JOIN-OK are computed over
 * ({@link dev.mpp.api.spi.PeerAuthenticator#prove}). They are defined apart from any framing, so a
 * proof made by a text-framed peer verifies on a binary-framed one; each starts with a distinct
 * label so that a proof for one message can never be replayed as another
 * (docs/mpp-protocol.md, "Security").
 */
public final class Transcript {
    private Transcript() {}

    /** {@code "MPP/1 OPEN\0" mid time nonce window port hostLength host}. */
    public static byte[] open(Frame.Open open) {
        byte[] host = open.destination().host().getBytes(StandardCharsets.UTF_8);
        return start("OPEN", 16 + 8 + 16 + 8 + 2 + 2 + host.length)
                .putLong(open.mid().high()).putLong(open.mid().low())
                .putLong(open.time())
                .put(open.nonce())
                .putLong(open.window())
                .putShort((short) open.destination().port())
                .putShort((short) host.length).put(host)
                .array();
    }

    /** {@code "MPP/1 OPEN-OK\0" mid openNonce okNonce window}: binds the answer to the OPEN it answers. */
    public static byte[] openOk(Frame.Open open, Frame.OpenOk ok) {
        return start("OPEN-OK", 16 + 16 + 16 + 8)
                .putLong(open.mid().high()).putLong(open.mid().low())
                .put(open.nonce())
                .put(ok.nonce())
                .putLong(ok.window())
                .array();
    }

    /** {@code "MPP/1 JOIN\0" mid sessionNonce joinNonce}; the session nonce is the one OPEN-OK carried. */
    public static byte[] join(Mid mid, byte[] sessionNonce, byte[] joinNonce) {
        return midAndNonces("JOIN", mid, sessionNonce, joinNonce);
    }

    /** {@code "MPP/1 JOIN-OK\0" mid sessionNonce joinNonce}. */
    public static byte[] joinOk(Mid mid, byte[] sessionNonce, byte[] joinNonce) {
        return midAndNonces("JOIN-OK", mid, sessionNonce, joinNonce);
    }

    private static byte[] midAndNonces(String label, Mid mid, byte[] sessionNonce, byte[] joinNonce) {
        checkNonce("sessionNonce", sessionNonce);
        checkNonce("joinNonce", joinNonce);
        return start(label, 16 + 16 + 16)
                .putLong(mid.high()).putLong(mid.low())
                .put(sessionNonce)
                .put(joinNonce)
                .array();
    }

    private static ByteBuffer start(String label, int rest) {
        byte[] l = ("MPP/1 " + label).getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(l.length + 1 + rest).put(l).put((byte) 0);
    }

    private static void checkNonce(String name, byte[] nonce) {
        if (nonce.length != Frame.NONCE_BYTES) {
            throw new IllegalArgumentException(name + ": " + nonce.length + " bytes (expected: " + Frame.NONCE_BYTES + ")");
        }
    }
}

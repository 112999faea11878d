package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How many bytes a stream carried up to its end, and their SHA-256, without keeping them. */
public record StreamDigest(long bytes, String sha256) {
    /** Reads {@code in} to end of stream. */
    public static StreamDigest of(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
            total += n;
        }
        return new StreamDigest(total, HexFormat.of().formatHex(digest.digest()));
    }

    /** What {@link #of} gives for exactly {@code payload}. */
    public static StreamDigest of(byte[] payload) {
        return new StreamDigest(payload.length, RandomPayload.sha256(payload));
    }
}

package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How many bytes a stream or an array holds, and their SHA-256: what tests compare to show that
 * what arrived is what was sent, without keeping megabytes around or printing them on failure.
 */
public record StreamDigest(long bytes, String sha256) {
    /** Reads {@code in} to end of stream. */
    public static StreamDigest of(InputStream in) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
            total += n;
        }
        return new StreamDigest(total, HexFormat.of().formatHex(digest.digest()));
    }

    /** What {@link #of(InputStream)} gives for a stream of exactly {@code bytes}. */
    public static StreamDigest of(byte[] bytes) {
        return new StreamDigest(bytes.length, HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

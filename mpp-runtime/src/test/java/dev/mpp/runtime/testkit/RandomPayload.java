package dev.mpp.runtime.testkit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Random bytes from a logged seed, and SHA-256 digests to compare what arrived with what was sent. */
public final class RandomPayload {
    private RandomPayload() {}

    public static byte[] bytes(int size, long seed) {
        byte[] out = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                out[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return out;
    }

    public static String sha256(byte[] bytes) {
        return sha256(bytes, 0, bytes.length);
    }

    public static String sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, offset, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

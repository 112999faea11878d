package dev.mpp.runtime.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The file the demo serves: {@code size} pseudo-random bytes from a fixed seed, made afresh for
 * every download rather than held in memory, so a 100 MiB file costs no heap. The same size always
 * gives the same bytes, hence the same SHA-256.
 */
record DemoFile(long size) {
    private static final long SEED = 0x4d5050_64656d6fL; // "MPP" "demo"
    private static final int BLOCK = 64 * 1024;

    DemoFile {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
    }

    /** Writes the whole file to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] block = new byte[BLOCK];
        for (long left = size; left > 0; left -= BLOCK) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(BLOCK, left));
        }
    }

    /** The SHA-256 of the file in lower-case hex, as {@code sha256sum} prints it. */
    String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            writeTo(new OutputStream() {
                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    digest.update(b, off, len);
                }
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("SHA-256 of the demo file", e); // neither can happen: SHA-256 is in every JDK
        }
    }
}

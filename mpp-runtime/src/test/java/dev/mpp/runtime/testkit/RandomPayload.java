package dev.mpp.runtime.testkit;

import java.util.SplittableRandom;

/** Random bytes from a seed the test names in its failure messages, so a failing payload can be made again. */
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
}

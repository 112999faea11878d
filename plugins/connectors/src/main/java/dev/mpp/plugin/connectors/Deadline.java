package dev.mpp.plugin.connectors;

import java.time.Duration;

/**
 * The one absolute point in time by which a whole connection attempt, every hop included, must be
 * done. Each blocking step derives its own timeout from what is left, so a slow first hop leaves
 * less time to the next ones instead of each hop getting the full timeout.
 *
 * @param at      the deadline on the {@link System#nanoTime()} scale
 * @param timeout the timeout it was made from, for messages
 */
record Deadline(long at, Duration timeout) {
    static Deadline after(Duration timeout) {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 2; // about 146 years: never, in practice, without overflowing nanoTime arithmetic
        }
        return new Deadline(System.nanoTime() + nanos, timeout);
    }

    long remainingNanos() {
        return at - System.nanoTime();
    }

    boolean passed() {
        return remainingNanos() <= 0;
    }

    /** What is left as a socket timeout in milliseconds: at least 1, because 0 would mean "wait forever". */
    int remainingMillis() {
        long nanos = remainingNanos();
        long millis = nanos <= 0 ? 1 : (nanos + 999_999) / 1_000_000;
        return Math.clamp(millis, 1, Integer.MAX_VALUE);
    }

    /** "the 500ms timeout", "the 10s timeout", for messages. */
    String describe() {
        if (timeout.compareTo(Duration.ofDays(1)) > 0 || timeout.isNegative()) {
            return "the " + timeout + " timeout";
        }
        long millis = timeout.toMillis();
        String amount = millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        return "the " + amount + " timeout";
    }
}

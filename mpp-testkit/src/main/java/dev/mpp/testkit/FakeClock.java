package dev.mpp.testkit;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when told: nanoseconds from 0, as {@link System#nanoTime()} would give
 * them. Code that takes its time as a {@link LongSupplier} (as the MPP session does) runs on it
 * unchanged. Not thread-safe: one test thread owns it.
 */
public final class FakeClock implements LongSupplier {
    private long nanos;

    /** Now, in nanoseconds since the clock was made. */
    public long nanos() {
        return nanos;
    }

    /** Now, as the time since the clock was made. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    /** Moves the clock forward by {@code step}. */
    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("step: " + step + " (expected: zero or more; a clock does not go back)");
        }
        nanos += step.toNanos();
    }

    /** Moves the clock to {@code nanos}; never back. */
    public void advanceTo(long nanos) {
        if (nanos < this.nanos) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: at least now, " + this.nanos + ")");
        }
        this.nanos = nanos;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    @Override
    public String toString() {
        return "FakeClock at " + elapsed();
    }
}

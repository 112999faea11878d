package dev.mpp.plugin.schedulers;

import dev.mpp.api.spi.PathView;

/**
 * A path as a scheduler sees it, with every figure set by the test.
 *
 * @param rttMillis       smoothed and minimum RTT, or -1 for unknown
 * @param rateBytesPerSec delivery rate, or -1 for unknown
 */
record FakePath(int index, int weight, State state, long rttMillis, long rateBytesPerSec, long inFlight, long queued,
                long window) implements PathView {
    /** An idle, unmeasured path of weight 1. */
    static FakePath idle(int index) {
        return new FakePath(index, 1, State.UP, -1, -1, 0, 0, 1 << 20);
    }

    /** A measured path: {@code mbit} Mbit/s at {@code rttMillis}, with {@code queued} bytes waiting and {@code inFlight} in all. */
    static FakePath measured(int index, long mbit, long rttMillis, long queued, long inFlight, long window) {
        return new FakePath(index, 1, State.UP, rttMillis, mbit * 1_000_000 / 8, inFlight, queued, window);
    }

    FakePath weighted(int w) {
        return new FakePath(index, w, state, rttMillis, rateBytesPerSec, inFlight, queued, window);
    }

    /** The window is full. */
    FakePath full() {
        return new FakePath(index, weight, state, rttMillis, rateBytesPerSec, Math.max(inFlight, window), queued, window);
    }

    @Override
    public long smoothedRttNanos() {
        return rttMillis < 0 ? -1 : rttMillis * 1_000_000;
    }

    @Override
    public long rttVariationNanos() {
        return rttMillis < 0 ? -1 : rttMillis * 100_000;
    }

    @Override
    public long minRttNanos() {
        return smoothedRttNanos();
    }

    @Override
    public long bytesInFlight() {
        return inFlight;
    }

    @Override
    public long queuedBytes() {
        return queued;
    }

    @Override
    public long deliveryRate() {
        return rateBytesPerSec;
    }

    @Override
    public long windowBytes() {
        return window;
    }
}

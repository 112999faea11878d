package dev.mpp.api.spi;

/**
 * What a {@link PathScheduler} may know of one live path of a session. A snapshot: values are
 * read at the moment of the call and may be stale a moment later.
 */
public interface PathView {
    /** The path's index in the route, stable for the session. */
    int index();

    /** The configured weight, at least 1. */
    int weight();

    /** Smoothed round-trip time in nanoseconds, or -1 before the first sample. */
    long smoothedRttNanos();

    /** Bytes sent on this path and not yet acknowledged. */
    long bytesInFlight();

    /** Bytes this path's socket can take now without blocking the sender (an estimate, at least 0). */
    long writableBytes();
}

package dev.mpp.api.spi;

import dev.mpp.api.Options;

/**
 * What a {@link PathScheduler} may know of one path of a session. A snapshot: values are read at
 * the moment of the call and may be stale a moment later.
 *
 * <p>The local socket and the relays hide their buffers, so nothing here comes from them: RTTs come
 * from PING/PONG, and what is in flight and how fast the path delivers come from the peer's MPP
 * acknowledgements. Durations are in nanoseconds and rates in bytes per second; -1 means "not
 * known yet".
 */
public interface PathView {
    /** Where a path is in its life. Schedulers are offered paths that are {@code UP} or {@code SUSPECT}. */
    enum State {
        /** Connecting through its relays, or in its JOIN handshake. */
        JOINING,
        /** Carrying traffic. */
        UP,
        /** Up, but a packet has waited past its retransmission timeout here: a path to avoid until it moves again. */
        SUSPECT,
        /** Failed or closed; it will be re-opened if the route still wants it. */
        DOWN
    }

    /** The path's index in the route, stable for the session. */
    int index();

    /** The configured weight, at least 1. */
    int weight();

    /**
     * The path's options from the route ({@code "paths": [{"name": ..., "options": {"cost": 3}}]}), for
     * the scheduler to read: e.g. a cost or a priority. Never null; empty when the path has none, and
     * on the accepting side of a session, whose paths come from the peer. Already checked by the
     * scheduler's provider ({@link PathSchedulerProvider#checkPathOptions}) when the route was loaded.
     */
    default Options options() {
        return Options.empty("options");
    }

    State state();

    /** Smoothed round-trip time, or -1 before the first sample. */
    long smoothedRttNanos();

    /** The variation of the round-trip time (RFC 6298's RTTVAR), or -1 before the first sample. */
    long rttVariationNanos();

    /** The smallest round-trip time seen: the path without queues. -1 before the first sample. */
    long minRttNanos();

    /** Bytes given to this path and not yet acknowledged by the peer: queued here, in buffers on the way, or received. */
    long bytesInFlight();

    /** The part of {@link #bytesInFlight()} not yet written to the path's socket. */
    long queuedBytes();

    /** Bytes per second the peer acknowledged for this path lately (a windowed maximum), or -1 before an estimate. */
    long deliveryRate();

    /**
     * The most this path should have in flight, set by the session's queue control from the
     * delivery rate and the minimum RTT: enough to keep the path busy, not so much that a deep
     * queue builds behind it.
     */
    long windowBytes();

    /** Whether a packet of {@code packetBytes} fits in the path's window now (an idle path always has room). */
    default boolean hasRoom(int packetBytes) {
        return bytesInFlight() == 0 || bytesInFlight() + packetBytes <= windowBytes();
    }
}

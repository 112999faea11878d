package dev.mpp.runtime.session;

/**
 * One path's tunnel-level window: how many bytes it may have in flight. It follows the path's
 * delivery rate (bytes the peer acknowledged for it, the largest of the last {@value #SAMPLES}
 * ticks) times its minimum RTT, doubled so the path never idles while acknowledgements travel,
 * and never below a floor of a few packets. A path limited by its window delivers window / RTT;
 * while that RTT is near the minimum the window doubles each time, so a path grows to what it can
 * carry, and a deep queue never builds behind a slow one.
 *
 * <p>Pure state: time is an argument, so tests drive it with a fake clock. Guarded by the session's lock.
 */
final class QueueControl {
    static final int SAMPLES = 10;

    private final long floor;
    private final long[] samples = new long[SAMPLES];
    private int nextSample;
    private long ackedSinceTick;
    private long lastTickNanos;
    private long rate = -1;
    private long window;
    /** What penalisation left of the window: halved by each penalty, recovering a little each tick. */
    private double gain = 1;
    private long lastPenaltyNanos = Long.MIN_VALUE / 2;

    /**
     * @param floor   the smallest window, in bytes: a few packets
     * @param initial the window before the first estimate
     */
    QueueControl(long floor, long initial, long nowNanos) {
        this.floor = floor;
        this.window = Math.max(floor, initial);
        this.lastTickNanos = nowNanos;
    }

    /** The peer acknowledged {@code bytes} that this path carried. */
    void acknowledged(long bytes) {
        ackedSinceTick += bytes;
    }

    /** Takes a delivery-rate sample and sets the window from it and {@code minRttNanos} (-1 if unknown). */
    void tick(long nowNanos, long minRttNanos) {
        long interval = nowNanos - lastTickNanos;
        if (interval <= 0) {
            return;
        }
        samples[nextSample++ % SAMPLES] = (long) (ackedSinceTick * 1e9 / interval);
        ackedSinceTick = 0;
        lastTickNanos = nowNanos;
        long max = 0;
        for (long s : samples) {
            max = Math.max(max, s);
        }
        if (max > 0) {
            rate = max;
        }
        gain = Math.min(1, gain * GAIN_RECOVERY);
        if (rate > 0 && minRttNanos > 0) {
            window = Math.max(floor, (long) (gain * 2.0 * rate * minRttNanos / 1e9));
        }
    }

    /** Per tick, a penalised window grows back by this factor: about twice as large after a second. */
    static final double GAIN_RECOVERY = 1.07;
    private static final double MIN_GAIN = 1.0 / 64;

    /**
     * The receiver waited for a packet this path held: halve the window, at most once per the
     * path's RTT ({@code rttNanos}, -1 if unknown), so one slow round trip costs one halving.
     */
    void penalise(long nowNanos, long rttNanos) {
        if (nowNanos - lastPenaltyNanos < Math.max(rttNanos, 0)) {
            return;
        }
        lastPenaltyNanos = nowNanos;
        gain = Math.max(MIN_GAIN, gain / 2);
        window = Math.max(floor, window / 2);
    }

    /** Bytes per second, or -1 before the first acknowledgement. */
    long rate() {
        return rate;
    }

    long window() {
        return window;
    }
}

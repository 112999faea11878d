package dev.mpp.testkit;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A path as a scheduler sees it, with every figure set by the test: state, RTT, delivery rate,
 * window, bytes in flight and queued, weight and the route's options for it.
 *
 * <p>Two uses. A unit test builds snapshots and asks a scheduler one question
 * ({@code scheduler.select(List.of(slow, fast), 1000)}). A {@link SchedulerHarness} scenario gives
 * it paths whose rate and RTT are what the simulated link does, with changes scripted at given
 * times ({@link #failsAt}, {@link #recoversAt}, {@link #at}); the harness then keeps the bytes in
 * flight and queued up to date.
 *
 * <p>Mutable, for one test: the setters return this path. Rates are in bytes per second, durations
 * in nanoseconds where {@link PathView} says so; -1 means "not measured yet", as in the real session.
 */
public final class FakePath implements PathView {
    /** The real session's packet on the wire at the default {@code mpp.packetSize}: a 64 KiB payload and its frame header. */
    public static final int PACKET_BYTES = 65536 + 16;

    private final int index;
    private int weight = 1;
    private State state = State.UP;
    private long smoothedRttNanos = -1;
    private long minRttNanos = -1;
    private long rate = -1;
    private long inFlight;
    private long queued;
    private long window = -1;
    private final Map<String, Object> options = new LinkedHashMap<>();
    private final List<Change> script = new ArrayList<>();

    /** A scripted change: at {@code atNanos} from the start of a harness run, {@code change} applies. */
    record Change(long atNanos, int order, Consumer<FakePath> change) {}

    private FakePath(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index: " + index + " (expected: 0 or more, the path's place in the route)");
        }
        this.index = index;
    }

    /** An idle, unmeasured path (no RTT sample, no delivery rate yet), up, of weight 1, with a 1 MiB window. */
    public static FakePath idle(int index) {
        return new FakePath(index).window(1 << 20);
    }

    /**
     * A measured, idle path: {@code mbit} Mbit/s delivered with {@code rttMillis} as both its smoothed
     * and minimum RTT. Its window is what the session's queue control would give it (see
     * {@link #windowBytes()}) until {@link #window} sets one.
     */
    public static FakePath measured(int index, long mbit, long rttMillis) {
        return new FakePath(index).rateMbit(mbit).rtt(Duration.ofMillis(rttMillis));
    }

    // ---- setters: each returns this path

    public FakePath weight(int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: at least 1)");
        }
        this.weight = weight;
        return this;
    }

    public FakePath state(State state) {
        this.state = Objects.requireNonNull(state, "state");
        return this;
    }

    /** A path to avoid: a packet waited past its retransmission timeout here. */
    public FakePath suspect() {
        return state(State.SUSPECT);
    }

    /** Sets the smoothed and the minimum RTT; a harness link takes half of it each way. */
    public FakePath rtt(Duration rtt) {
        if (rtt.isNegative()) {
            throw new IllegalArgumentException("rtt: " + rtt + " (expected: zero or more)");
        }
        this.smoothedRttNanos = rtt.toNanos();
        this.minRttNanos = rtt.toNanos();
        return this;
    }

    /** Sets the smoothed RTT alone, e.g. above the minimum when a queue built up. */
    public FakePath smoothedRtt(Duration rtt) {
        this.smoothedRttNanos = rtt.toNanos();
        return this;
    }

    /** The delivery rate in bytes per second; for a harness, how fast the link sends. */
    public FakePath rate(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate: " + bytesPerSecond + " B/s (expected: more than 0)");
        }
        this.rate = bytesPerSecond;
        return this;
    }

    /** The delivery rate in Mbit/s (10⁶ bits). */
    public FakePath rateMbit(long mbit) {
        return rate(mbit * 1_000_000 / 8);
    }

    /** Bytes given to the path and not acknowledged; a harness keeps this itself. */
    public FakePath inFlight(long bytes) {
        this.inFlight = bytes;
        return this;
    }

    /** The part of the bytes in flight not written yet; a harness keeps this itself. */
    public FakePath queued(long bytes) {
        this.queued = bytes;
        return this;
    }

    /** A fixed window instead of the one queue control would compute. */
    public FakePath window(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("window: " + bytes + " (expected: more than 0)");
        }
        this.window = bytes;
        return this;
    }

    /** As much in flight as the window holds: no room for another packet. */
    public FakePath full() {
        this.inFlight = Math.max(inFlight, windowBytes());
        return this;
    }

    /** One of the route's options for this path ({@code "options": {"cost": 3}}); a number is a {@code long}. */
    public FakePath option(String key, Object value) {
        options.put(key, value instanceof Integer i ? Long.valueOf(i) : value);
        return this;
    }

    // ---- the script, for a harness run

    /** At {@code at} from the start of the run, the path goes {@code DOWN}: what it held is lost and re-sent elsewhere. */
    public FakePath failsAt(Duration at) {
        return at(at, p -> p.state(State.DOWN));
    }

    /** At {@code at}, the path is {@code UP} again, empty. */
    public FakePath recoversAt(Duration at) {
        return at(at, p -> p.state(State.UP));
    }

    /** At {@code at} from the start of the run, {@code change} applies, e.g. {@code p -> p.rateMbit(5)}. */
    public FakePath at(Duration at, Consumer<FakePath> change) {
        if (at.isNegative()) {
            throw new IllegalArgumentException("at: " + at + " (expected: zero or more)");
        }
        script.add(new Change(at.toNanos(), script.size(), change));
        return this;
    }

    /** The scripted changes, in time order. */
    List<Change> script() {
        return script.stream().sorted(Comparator.comparingLong(Change::atNanos).thenComparingInt(Change::order)).toList();
    }

    // ---- PathView

    @Override
    public int index() {
        return index;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public Options options() {
        return Options.of("paths[" + index + "].options", options);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public long smoothedRttNanos() {
        return smoothedRttNanos;
    }

    /** A tenth of the smoothed RTT, or -1 before a sample. */
    @Override
    public long rttVariationNanos() {
        return smoothedRttNanos < 0 ? -1 : smoothedRttNanos / 10;
    }

    @Override
    public long minRttNanos() {
        return minRttNanos;
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
        return rate;
    }

    /**
     * The window set by {@link #window}, or the session's own rule: twice the delivery rate times
     * the minimum RTT, at least 4 packets; 16 packets before the path is measured.
     */
    @Override
    public long windowBytes() {
        if (window > 0) {
            return window;
        }
        if (rate <= 0 || minRttNanos < 0) {
            return 16L * PACKET_BYTES;
        }
        return Math.max(4L * PACKET_BYTES, (long) (2.0 * rate * minRttNanos / 1e9));
    }

    @Override
    public String toString() {
        return "path " + index + " (" + state + (rate > 0 ? ", " + rate * 8 / 1_000_000 + " Mbit/s" : "")
                + (minRttNanos >= 0 ? ", rtt " + minRttNanos / 1_000_000 + " ms" : "") + ", in flight " + inFlight
                + " of " + windowBytes() + (options.isEmpty() ? "" : ", options " + options) + ")";
    }
}

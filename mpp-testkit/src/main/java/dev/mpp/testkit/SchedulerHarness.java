package dev.mpp.testkit;

import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Drives a {@link PathScheduler} through a scripted scenario, as a small discrete-event simulation,
 * and reports what each path carried and how the stream fared. Deterministic: no threads, no real
 * time, no randomness; the same scenario gives the same report.
 *
 * <p>The model, close to the MPP session's and simple enough to reason about:
 * <ul>
 *   <li>A sender has a stream of {@code bytes}, cut into packets of {@link #packetBytes} (the last
 *       may be shorter), all ready at the start (a backlog) or arriving at an {@link #offeredLoad}.</li>
 *   <li>Each path is a {@link FakePath} with a rate and an RTT. A packet given to it waits behind
 *       the packets given before (it counts in {@link PathView#queuedBytes()}), goes out at the
 *       path's rate, arrives half an RTT later, and its acknowledgement comes back on the same path
 *       after the other half. Until then it counts in {@link PathView#bytesInFlight()}.</li>
 *   <li>The scheduler is asked for each new packet whenever something changed (an acknowledgement,
 *       a path's state, data arriving), among the paths that are up and not suspect (all the paths
 *       up if every one is suspect), in route order, exactly as the session asks it; it may answer
 *       null (wait) and is asked again at the next change. With nothing in flight anywhere, no change
 *       would come: then, like the session, the first path takes the packet.</li>
 *   <li>The sender has credit for the {@link #receiveWindow} from the oldest packet not yet
 *       acknowledged, as the session's credit runs from the receiver's next expected packet: a packet
 *       held up on a slow path holds up the credit behind it, however many later ones were
 *       acknowledged meanwhile.</li>
 *   <li>A path that fails (its state set to {@code DOWN} by its script) loses what it held: every
 *       packet not acknowledged there is re-sent first, on a path the scheduler picks (a re-send
 *       never waits: with a null answer the path with the least in flight takes it). A recovered
 *       path starts empty.</li>
 *   <li>The receiver delivers in order; a packet that arrives before an earlier one waits, and the
 *       longest such wait is reported.</li>
 * </ul>
 *
 * <p>One harness runs one scenario: {@link #send} may be called once, and it changes the paths' figures.
 */
public final class SchedulerHarness {
    /** The session's default receive window ({@code mpp.sessionBuffer}). */
    public static final long DEFAULT_RECEIVE_WINDOW = 8L << 20;

    private final PathScheduler scheduler;
    private final List<Link> links = new ArrayList<>();
    private final FakeClock clock = new FakeClock();
    private int packetBytes = FakePath.PACKET_BYTES;
    private long offeredBytesPerSecond;
    private long receiveWindow = DEFAULT_RECEIVE_WINDOW;
    private Duration timeLimit = Duration.ofHours(1);
    private boolean ran;

    // The run's state.
    private final PriorityQueue<Event> events =
            new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingLong(Event::order));
    private long eventOrder;
    private final ArrayDeque<Packet> resends = new ArrayDeque<>();
    private final List<HarnessReport.Send> sends = new ArrayList<>();
    private long streamBytes;
    private long packetCount;
    private long nextSequence;
    /** The oldest packet not yet acknowledged: the sender's credit runs from it. */
    private long oldestUnacknowledged;
    private boolean[] acknowledgedSequences;
    private boolean availabilityScheduled;
    // The receiver.
    private long[] arrivedAt;
    private long nextExpected;
    private long bytesDelivered;
    private long worstReorderWait;
    private long duplicates;
    private long completedAt = -1;

    private SchedulerHarness(PathScheduler scheduler, List<FakePath> paths) {
        this.scheduler = scheduler;
        Set<Integer> indexes = new HashSet<>();
        for (FakePath p : paths) {
            if (!indexes.add(p.index())) {
                throw new IllegalArgumentException("two paths with index " + p.index() + " (expected: one index per path)");
            }
            if (p.deliveryRate() <= 0 || p.minRttNanos() < 0) {
                throw new IllegalArgumentException(p + ": a harness path needs a rate and an RTT, "
                        + "e.g. FakePath.measured(" + p.index() + ", 10, 80)");
            }
            links.add(new Link(p));
        }
        if (links.isEmpty()) {
            throw new IllegalArgumentException("paths: none (expected: at least one)");
        }
        links.sort(Comparator.comparingInt(l -> l.view.index()));
    }

    /** A harness for {@code scheduler} over {@code paths}, each with a rate and an RTT (e.g. {@link FakePath#measured}). */
    public static SchedulerHarness of(PathScheduler scheduler, FakePath... paths) {
        return new SchedulerHarness(scheduler, List.of(paths));
    }

    /** The size of each packet on the wire, as the scheduler is told it; default {@link FakePath#PACKET_BYTES}. */
    public SchedulerHarness packetBytes(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("packetBytes: " + bytes + " (expected: more than 0)");
        }
        this.packetBytes = bytes;
        return this;
    }

    /** The stream arrives at this rate instead of being all there at the start. */
    public SchedulerHarness offeredLoad(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("offeredLoad: " + bytesPerSecond + " B/s (expected: more than 0)");
        }
        this.offeredBytesPerSecond = bytesPerSecond;
        return this;
    }

    /**
     * The receiver's reorder buffer: the sender may send up to this many bytes from the oldest packet
     * not yet acknowledged; default {@value #DEFAULT_RECEIVE_WINDOW} bytes.
     */
    public SchedulerHarness receiveWindow(long bytes) {
        if (bytes < packetBytes) {
            throw new IllegalArgumentException("receiveWindow: " + bytes + " (expected: at least one packet, " + packetBytes + ")");
        }
        this.receiveWindow = bytes;
        return this;
    }

    /** Simulated time after which an unfinished run stops, reported incomplete; default one hour. */
    public SchedulerHarness timeLimit(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeLimit: " + limit + " (expected: more than zero)");
        }
        this.timeLimit = limit;
        return this;
    }

    /** The simulation's clock: at the end of a run, when it stopped. */
    public FakeClock clock() {
        return clock;
    }

    /**
     * Sends a stream of {@code bytes} and returns once it is delivered, the time limit passed, or
     * nothing more can happen (every path down for good).
     *
     * @throws IllegalStateException if the scheduler answers with a path it was not offered, or twice the same
     */
    public HarnessReport send(long bytes) {
        if (ran) {
            throw new IllegalStateException("a harness runs one scenario; make a new one (and new paths) for another");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 0 or more)");
        }
        ran = true;
        streamBytes = bytes;
        packetCount = (bytes + packetBytes - 1) / packetBytes;
        arrivedAt = new long[Math.toIntExact(packetCount)];
        Arrays.fill(arrivedAt, -1);
        acknowledgedSequences = new boolean[arrivedAt.length];
        if (packetCount == 0) {
            completedAt = 0;
        }
        for (Link link : links) {
            for (FakePath.Change change : link.view.script()) {
                at(change.atNanos(), () -> applyChange(link, change));
            }
        }
        long limit = timeLimit.toNanos();
        runEventsAt(0);
        dispatch();
        while (completedAt < 0) {
            Event next = events.peek();
            if (next == null || next.at() > limit) {
                clock.advanceTo(next == null ? clock.nanos() : limit);
                break;
            }
            runEventsAt(next.at());
            dispatch();
        }
        return report();
    }

    // ---- events

    /** Something that happens at a time; an event of a path's packets ({@code link} not null) counts only while the path has not failed since. */
    private record Event(long at, long order, Link link, int epoch, Runnable action) {
        void run() {
            if (link == null || link.epoch == epoch) {
                action.run();
            }
        }
    }

    private void at(long nanos, Runnable action) {
        events.add(new Event(nanos, eventOrder++, null, 0, action));
    }

    /** An event of what {@code link} carries now; it is void if the path fails first. */
    private void at(long nanos, Link link, Runnable action) {
        events.add(new Event(nanos, eventOrder++, link, link.epoch, action));
    }

    /** Runs every event due at {@code nanos}, so the scheduler sees all that changed at one moment. */
    private void runEventsAt(long nanos) {
        clock.advanceTo(nanos);
        while (!events.isEmpty() && events.peek().at() == nanos) {
            events.poll().run();
        }
    }

    private void applyChange(Link link, FakePath.Change change) {
        boolean wasUp = link.view.state() != PathView.State.DOWN;
        change.change().accept(link.view);
        boolean isUp = link.view.state() != PathView.State.DOWN;
        if (wasUp && !isUp) {
            fail(link);
        } else if (!wasUp && isUp) {
            link.freeAt = clock.nanos(); // a new connection: nothing ahead of the first packet
        }
    }

    /** Everything the path held is lost: its later events no longer count, and its packets are re-sent. */
    private void fail(Link link) {
        link.epoch++;
        events.removeIf(e -> e.link() == link); // lost with the path
        link.view.inFlight(0).queued(0);
        for (Packet p : link.unacknowledged) {
            p.on.remove(link);
            if (!p.acknowledged && p.on.isEmpty() && !resends.contains(p)) {
                resends.add(p);
            }
        }
        link.unacknowledged.clear();
    }

    // ---- the sender

    private void dispatch() {
        while (completedAt < 0) {
            if (!resends.isEmpty()) {
                if (!resendOne()) {
                    return; // no path up: the re-sends wait, and so does new data
                }
                continue;
            }
            if (nextSequence >= packetCount) {
                return;
            }
            long availableAt = offeredBytesPerSecond == 0 ? 0
                    : (long) Math.ceil((nextSequence * (double) packetBytes) * 1e9 / offeredBytesPerSecond);
            if (availableAt > clock.nanos()) {
                if (!availabilityScheduled) {
                    availabilityScheduled = true;
                    at(availableAt, () -> availabilityScheduled = false);
                }
                return;
            }
            int size = sizeOf(nextSequence);
            if (nextSequence > oldestUnacknowledged
                    && (nextSequence - oldestUnacknowledged) * packetBytes + size > receiveWindow) {
                return; // no credit: the acknowledgement of the oldest packet will bring some
            }
            List<Link> candidates = candidates();
            if (candidates.isEmpty()) {
                return;
            }
            List<Link> targets = chooseCopies(candidates, size);
            if (targets.isEmpty() && candidates.stream().allMatch(l -> l.view.bytesInFlight() == 0)) {
                targets = List.of(candidates.getFirst());
            }
            if (targets.isEmpty()) {
                return; // the scheduler waits for a change
            }
            Packet p = new Packet(nextSequence++, size);
            for (Link target : targets) {
                give(p, target, false);
            }
        }
    }

    private boolean resendOne() {
        Packet p = resends.peek();
        List<Link> candidates = candidates();
        if (candidates.isEmpty()) {
            return false;
        }
        resends.poll();
        Link target = choose(candidates, p.bytes);
        if (target == null) {
            target = candidates.stream().min(Comparator.comparingLong(l -> l.view.bytesInFlight())).orElseThrow();
        }
        give(p, target, true);
        return true;
    }

    /** The paths up and not suspect, in route order; all the paths up if every one is suspect. */
    private List<Link> candidates() {
        List<Link> up = links.stream().filter(l -> l.view.state() == PathView.State.UP).toList();
        if (!up.isEmpty()) {
            return up;
        }
        return links.stream().filter(l -> l.view.state() == PathView.State.SUSPECT).toList();
    }

    private List<Link> chooseCopies(List<Link> candidates, int size) {
        List<PathView> chosen = scheduler.selectCopies(views(candidates), size);
        if (chosen == null) {
            throw new IllegalStateException("the scheduler's selectCopies returned null (expected: a list, empty to wait)");
        }
        List<Link> out = new ArrayList<>();
        for (PathView v : chosen) {
            Link link = offered(candidates, v);
            if (out.contains(link)) {
                throw new IllegalStateException("the scheduler chose " + v + " twice for one packet");
            }
            out.add(link);
        }
        return out;
    }

    private Link choose(List<Link> candidates, int size) {
        PathView chosen = scheduler.select(views(candidates), size);
        return chosen == null ? null : offered(candidates, chosen);
    }

    private static List<PathView> views(List<Link> candidates) {
        return candidates.stream().<PathView>map(l -> l.view).toList();
    }

    private static Link offered(List<Link> candidates, PathView chosen) {
        for (Link l : candidates) {
            if (l.view == chosen) {
                return l;
            }
        }
        throw new IllegalStateException("the scheduler chose " + chosen + ", which it was not offered (offered: "
                + candidates.stream().map(l -> l.view.toString()).toList() + ")");
    }

    /** The packet waits behind what the path holds, goes out at its rate, arrives RTT/2 later, is acknowledged after another RTT/2. */
    private void give(Packet p, Link link, boolean resend) {
        long now = clock.nanos();
        FakePath view = link.view;
        view.inFlight(view.bytesInFlight() + p.bytes).queued(view.queuedBytes() + p.bytes);
        link.unacknowledged.add(p);
        p.on.add(link);
        link.bytes += p.bytes;
        link.packets++;
        if (resend) {
            link.resent++;
        }
        sends.add(new HarnessReport.Send(Duration.ofNanos(now), p.sequence, view.index(), resend));

        long written = Math.max(now, link.freeAt) + (long) Math.ceil(p.bytes * 1e9 / view.deliveryRate());
        link.freeAt = written;
        long rtt = view.minRttNanos();
        at(written, link, () -> view.queued(view.queuedBytes() - p.bytes));
        at(written + rtt / 2, link, () -> arrived(p));
        at(written + rtt, link, () -> acknowledged(p));
    }

    /** The acknowledgement settles every copy of the packet, on every path that still holds one. */
    private void acknowledged(Packet p) {
        if (p.acknowledged) {
            return;
        }
        p.acknowledged = true;
        acknowledgedSequences[(int) p.sequence] = true;
        while (oldestUnacknowledged < nextSequence && acknowledgedSequences[(int) oldestUnacknowledged]) {
            oldestUnacknowledged++;
        }
        for (Link link : p.on) {
            link.unacknowledged.remove(p);
            link.view.inFlight(link.view.bytesInFlight() - p.bytes);
        }
        p.on.clear();
        resends.remove(p);
    }

    private int sizeOf(long sequence) {
        return (int) Math.min(packetBytes, streamBytes - sequence * packetBytes);
    }

    // ---- the receiver

    private void arrived(Packet p) {
        int i = (int) p.sequence;
        if (p.sequence < nextExpected || arrivedAt[i] >= 0) {
            duplicates++;
            return;
        }
        long now = clock.nanos();
        arrivedAt[i] = now;
        while (nextExpected < packetCount && arrivedAt[(int) nextExpected] >= 0) {
            worstReorderWait = Math.max(worstReorderWait, now - arrivedAt[(int) nextExpected]);
            bytesDelivered += sizeOf(nextExpected);
            nextExpected++;
        }
        if (nextExpected == packetCount) {
            completedAt = now;
        }
    }

    private HarnessReport report() {
        List<HarnessReport.PathReport> paths = links.stream()
                .map(l -> new HarnessReport.PathReport(l.view.index(), l.bytes, l.packets, l.resent)).toList();
        long end = completedAt >= 0 ? completedAt : clock.nanos();
        return new HarnessReport(completedAt >= 0, Duration.ofNanos(end), bytesDelivered, Duration.ofNanos(worstReorderWait),
                duplicates, paths, sends);
    }

    /** A path's simulated link: when it is free to send the next packet, and what it holds. */
    private static final class Link {
        final FakePath view;
        long freeAt;
        /** Bumped when the path fails: the events of packets sent before no longer count. */
        int epoch;
        final Set<Packet> unacknowledged = new LinkedHashSet<>();
        long bytes;
        long packets;
        long resent;

        Link(FakePath view) {
            this.view = view;
        }
    }

    /** One packet of the stream and the paths that hold an unacknowledged copy of it. */
    private static final class Packet {
        final long sequence;
        final int bytes;
        final Set<Link> on = new LinkedHashSet<>();
        boolean acknowledged;

        Packet(long sequence, int bytes) {
            this.sequence = sequence;
            this.bytes = bytes;
        }
    }
}

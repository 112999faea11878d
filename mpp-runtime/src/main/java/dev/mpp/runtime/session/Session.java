package dev.mpp.runtime.session;

import dev.mpp.api.Options;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.ArqStrategy;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import dev.mpp.api.spi.Upstream;
import dev.mpp.runtime.net.Resettable;
import dev.mpp.runtime.net.StreamResetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multipath session: a reliable, ordered byte stream each way over any number of paths
 * (docs/mpp-protocol.md, sections 8 to 10). The same class serves the opener and the acceptor;
 * only how paths arrive differs, and that is the business of {@link SessionOpener} and
 * {@link SessionAcceptor}.
 *
 * <p>Threads: the local side writes into {@link #output()} and reads from {@link #input()} (for
 * example the two pumps of a relay), every path has a reader and a writer thread, and a timer
 * ticks every {@value #TICK_MILLIS} ms for keepalives, retransmission timeouts and deadlines. All
 * state is guarded by one lock; nothing blocks while holding it.
 */
public final class Session implements Upstream, Resettable {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    static final int TICK_MILLIS = 100;
    /** How long a path waits for the peer's CLOSE after sending its own. */
    static final long CLOSE_LINGER_NANOS = Duration.ofSeconds(5).toNanos();

    public enum State { ESTABLISHED, DONE, RESET }

    final Mid mid;
    final String label;
    private final SessionSettings settings;
    private final PathScheduler scheduler;
    private final ArqStrategy arq;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** The local side's reader and writer wait here for bytes, credit, a path, or the end. */
    private final Condition changed = lock.newCondition();
    private final SendHalf send;
    private final ReceiveHalf receive;
    private final List<PathLink> paths = new ArrayList<>();
    /** Unacknowledged packets whose path failed while no other path was up. */
    private final List<Packet> orphans = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final ScheduledFuture<?> ticker;
    private final Runnable onEnd;
    private final long openedNanos;

    private State state = State.ESTABLISHED;
    private String endReason = "";
    private long noPathSince;
    private boolean closedLocally;
    /** When the local side closed, or later, when the peer last acknowledged new bytes of our stream. */
    private long lastMovedAfterLocalClose;
    private int receivedSinceAck;
    private long lastAckNanos;
    private boolean ackTimerArmed;
    private PathLink lastArrival;
    private final List<PathStats> finishedPaths = new ArrayList<>();

    private final InputStream input = new SessionInput();
    private final OutputStream output = new SessionOutput();

    /**
     * @param peerWindow the credit the peer granted in OPEN or OPEN-OK
     * @param onEnd      called once, without the lock, when the session is done or reset
     */
    Session(Mid mid, String label, SessionSettings settings, PathScheduler scheduler, ArqStrategy arq, long peerWindow,
            ScheduledExecutorService timers, LongSupplier clock, Runnable onEnd) {
        this.mid = mid;
        this.label = label;
        this.settings = settings;
        this.scheduler = scheduler;
        this.arq = arq;
        this.clock = clock;
        this.onEnd = onEnd;
        this.send = new SendHalf(settings.bufferPackets(), peerWindow);
        this.receive = new ReceiveHalf(settings.bufferPackets());
        this.noPathSince = clock.getAsLong();
        this.openedNanos = noPathSince;
        this.lastAckNanos = noPathSince;
        this.timers = timers;
        this.ticker = timers.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    Condition newCondition() {
        return lock.newCondition();
    }

    /**
     * A path for this session whose handshake is done: its window starts at {@value #FIRST_WINDOW_PACKETS}
     * packets and never goes below {@value #WINDOW_FLOOR_PACKETS}. Then {@link #attach} it.
     */
    PathLink newPath(int index, String name, int weight, Options options, Socket socket, FrameCodec codec,
                     FrameReader reader) {
        long now = clock.getAsLong();
        long packet = settings.packetSize() + 16L;
        return new PathLink(this, index, name, weight, options, socket, codec, reader, now,
                new QueueControl(WINDOW_FLOOR_PACKETS * packet, FIRST_WINDOW_PACKETS * packet, now));
    }

    static final int WINDOW_FLOOR_PACKETS = 4;
    static final int FIRST_WINDOW_PACKETS = 16;

    public Mid mid() {
        return mid;
    }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Counters of every path this session has had, live ones first. */
    public List<PathStats> pathStats() {
        lock.lock();
        try {
            List<PathStats> out = new ArrayList<>();
            paths.forEach(p -> out.add(p.stats()));
            out.addAll(finishedPaths);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How the session ended and what each path carried; meaningful once it has ended. Its duration runs to now. */
    public SessionSummary summary() {
        lock.lock();
        try {
            return new SessionSummary(label, endReason, pathStats(), receive.duplicates(),
                    Duration.ofNanos(clock.getAsLong() - openedNanos));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stream bytes this session holds in memory now: received and not yet taken by the local side,
     * and sent and not yet acknowledged. Each half is bounded by {@code mpp.sessionBuffer}.
     */
    public long heldBytes() {
        lock.lock();
        try {
            return receive.heldBytes() + send.heldBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Packets that arrived a second time and were dropped. */
    public long duplicatesDropped() {
        lock.lock();
        try {
            return receive.duplicates();
        } finally {
            lock.unlock();
        }
    }

    /** Paths up now. */
    public int pathsUp() {
        lock.lock();
        try {
            return (int) paths.stream().filter(PathLink::isUp).count();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- paths

    /**
     * Adds a path whose handshake is complete and starts its writer; the caller then runs
     * {@link PathLink#readLoop()} on its own thread.
     *
     * @return false if the session has ended or has its maximum of paths: the caller closes the socket
     */
    boolean attach(PathLink link) {
        lock.lock();
        try {
            if (state != State.ESTABLISHED || paths.size() >= settings.maxPathsPerSession()) {
                return false;
            }
            paths.add(link);
            link.control.add(receive.ack()); // what this node has received, and its window, as of now
            // An RTT sample now, before data queues up in the socket's and the relays' buffers: the
            // minimum RTT, which sizes the window and the scheduler's estimates, must not carry them.
            link.lastPingNanos = clock.getAsLong();
            link.control.add(new Frame.Ping(link.lastPingNanos));
            List<Packet> waiting = new ArrayList<>(orphans);
            orphans.clear();
            waiting.forEach(p -> resend(p, null));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        link.startWriter();
        log.debug("{}: {} up", label, link);
        return true;
    }

    /** Bytes arrived on a path: it is alive. Called for every read, so it takes no lock. */
    void received(PathLink link) {
        link.lastReceiveNanos = clock.getAsLong();
    }

    /**
     * The path's reader hands over one frame.
     *
     * @return false when the reader should stop
     */
    boolean onFrame(PathLink link, Frame frame) {
        List<PathLink> toClose = new ArrayList<>();
        boolean ended;
        lock.lock();
        try {
            if (link.phase == PathLink.Phase.DOWN) {
                return false;
            }
            long now = clock.getAsLong();
            link.lastReceiveNanos = now;
            switch (frame) {
                case Frame.Data(long seq, byte[] payload) -> {
                    link.packetsReceived++;
                    link.bytesReceived += payload.length;
                    arrived(link, seq, payload, now);
                }
                case Frame.Fin(long seq) -> arrived(link, seq, null, now);
                case Frame.Ack ack -> {
                    String problem = send.apply(ack, this::acknowledged);
                    if (problem != null) {
                        reset(ErrorCode.PROTOCOL_ERROR, problem, true);
                    } else {
                        changed.signalAll();
                        checkDone();
                        reinjectTail();
                    }
                }
                case Frame.Ping(long token) -> {
                    // The ACK repeats the window: an update lost with a path is repaired by the next PING (section 9.4).
                    link.control.add(new Frame.Pong(token));
                    link.control.add(receive.ack());
                    link.work.signal();
                }
                case Frame.Pong(long token) -> {
                    long rtt = now - token;
                    if (rtt >= 0 && rtt < Duration.ofMinutes(5).toNanos()) {
                        link.rttSample(rtt);
                    }
                    link.suspect = false; // it moves again: it may take packets, and shows whether it keeps up
                    drained(link, token); // the PING went after what was written before it was queued
                }
                case Frame.Close() -> {
                    // The reader stops here; the path's owner answers CLOSE if we have not, and keeps the
                    // connection for another session or closes it (PathLink.completeCloseExchange).
                    link.closeReceived = true;
                    // UP: the peer retires this path alone, and what it held goes elsewhere.
                    takeDown(link, link.phase == PathLink.Phase.UP ? "the peer closed it" : "closed");
                }
                case Frame.Reset(ErrorCode code, String message) ->
                        reset(code, "the peer reset the session: " + message + " (code " + code.code() + ")", false);
                case Frame.Open o -> protocolErrorOnPath(link, "OPEN on an established path", toClose);
                case Frame.OpenOk o -> protocolErrorOnPath(link, "OPEN-OK on an established path", toClose);
                case Frame.OpenError o -> protocolErrorOnPath(link, "OPEN-ERROR on an established path", toClose);
                case Frame.Join j -> protocolErrorOnPath(link, "JOIN on an established path", toClose);
                case Frame.JoinOk j -> protocolErrorOnPath(link, "JOIN-OK on an established path", toClose);
                case Frame.JoinError j -> protocolErrorOnPath(link, "JOIN-ERROR on an established path", toClose);
            }
            ended = link.phase == PathLink.Phase.DOWN || toClose.contains(link);
        } finally {
            lock.unlock();
        }
        toClose.forEach(PathLink::closeSocket);
        return !ended;
    }

    private void protocolErrorOnPath(PathLink link, String problem, List<PathLink> toClose) {
        log.warn("{}: {} failed: {}", label, link, problem);
        takeDown(link, problem);
        toClose.add(link);
    }

    private void arrived(PathLink link, long seq, byte[] payload, long now) {
        if (state != State.ESTABLISHED) {
            return;
        }
        lastArrival = link;
        ReceiveHalf.Arrival arrival = receive.receive(seq, payload);
        if (arrival == ReceiveHalf.Arrival.BEYOND_WINDOW) {
            reset(ErrorCode.FLOW_CONTROL, "packet " + Long.toUnsignedString(seq) + " beyond the window "
                    + Long.toUnsignedString(receive.advertised()), true);
            return;
        }
        receivedSinceAck++;
        boolean urgent = arrival == ReceiveHalf.Arrival.DUPLICATE || payload == null || receive.hasGap();
        if (arq.ackNow(receivedSinceAck, Duration.ofNanos(now - lastAckNanos), urgent)) {
            sendAck(link, now);
        } else if (!ackTimerArmed) {
            ackTimerArmed = true;
            ticker(arq.maxAckDelay());
        }
        if (receive.readable()) {
            changed.signalAll();
        }
        checkDone();
    }

    private void ticker(Duration delay) {
        try {
            timers.schedule(this::ackTimer, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) { // the node is shutting down
            ackTimerArmed = false;
        }
    }

    private void ackTimer() {
        lock.lock();
        try {
            ackTimerArmed = false;
            if (state == State.ESTABLISHED && receivedSinceAck > 0) {
                sendAck(lastArrival, clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues an ACK on the path that brings it back soonest: of the paths that delivered something
     * in the last {@value #ACK_PATH_FRESH_MILLIS} ms, the one with the shortest smoothed RTT; else on
     * {@code preferred} (where the last packet came from), else on any path that is up. The ACK is
     * what opens the sender's windows: one that takes a slow path home lets the fast paths run dry
     * meanwhile, and one sent on a path that went silent is lost until that path times out.
     */
    private void sendAck(PathLink preferred, long now) {
        PathLink target = preferred != null && preferred.isUp() ? preferred : firstUp();
        for (PathLink p : paths) {
            if (p.isUp() && !p.suspect && p.smoothedRtt >= 0
                    && now - p.lastReceiveNanos < ACK_PATH_FRESH_MILLIS * 1_000_000L
                    && (target.smoothedRtt < 0 || target.suspect || p.smoothedRtt < target.smoothedRtt)) {
                target = p;
            }
        }
        if (target == null) {
            return;
        }
        target.control.add(receive.ack());
        target.work.signal();
        receivedSinceAck = 0;
        lastAckNanos = now;
    }

    static final int ACK_PATH_FRESH_MILLIS = 250;

    private PathLink firstUp() {
        for (PathLink p : paths) {
            if (p.isUp()) {
                return p;
            }
        }
        return null;
    }

    private void acknowledged(Packet p) {
        if (closedLocally) {
            lastMovedAfterLocalClose = clock.getAsLong();
        }
        settleCopies(p);
        if (p.path != null) {
            if (!p.reinjected) { // else the copy on the faster path most likely delivered it: no credit to the slow one
                p.path.queueControl.acknowledged(p.wireBytes());
            }
            p.path.suspect = false;
            PathLink on = p.path;
            if (p.reinjected && p.sentNanos != 0) {
                // Most likely the copy on the faster path arrived; this one still occupies the slow path's pipe.
                on.stillInPipe.add(p);
                p.path = null;
            } else {
                boolean soleCopy = p.copies == null;
                long written = p.sentNanos;
                leave(p);
                if (soleCopy && written != 0) {
                    drained(on, written);
                }
            }
        }
        orphans.remove(p);
    }

    /** Everything written on {@code link} up to {@code writtenNanos} has reached the peer. */
    private static void drained(PathLink link, long writtenNanos) {
        if (link.stillInPipe.isEmpty()) {
            return; // the common case, on every acknowledged packet
        }
        link.stillInPipe.removeIf(p -> {
            boolean arrived = p.sentNanos - writtenNanos <= 0;
            if (arrived) {
                link.inflightBytes -= p.wireBytes();
            }
            return arrived;
        });
    }

    /** Takes {@code p} off the books of the path it was given to. */
    private void leave(Packet p) {
        p.path.inflightBytes -= p.wireBytes();
        if (p.sentNanos == 0) {
            p.path.queuedBytes -= p.wireBytes();
        }
        p.path = null;
    }

    /**
     * Gives the writer of {@code link} its next frames, waiting until there are some.
     *
     * @return null when the writer should stop
     */
    List<Frame> takeBatch(PathLink link, int maxBytes) {
        lock.lock();
        try {
            while (true) {
                while (link.phase != PathLink.Phase.DOWN && link.closeSentNanos == 0 && link.control.isEmpty()
                        && link.resends.isEmpty() && link.reinjections.isEmpty() && link.data.isEmpty()
                        && link.copies.isEmpty()) {
                    link.work.awaitUninterruptibly();
                }
                if (link.phase == PathLink.Phase.DOWN || link.closeSentNanos != 0) {
                    return null;
                }
                List<Frame> batch = nextBatch(link, maxBytes);
                if (!batch.isEmpty()) { // empty when all it held was acknowledged or moved meanwhile
                    return batch;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private List<Frame> nextBatch(PathLink link, int maxBytes) {
        List<Frame> batch = new ArrayList<>();
        int bytes = 0;
        long now = clock.getAsLong();
        while (!link.control.isEmpty()) {
            Frame f = link.control.poll();
            batch.add(f);
            if (f instanceof Frame.Close || f instanceof Frame.Reset) {
                link.closeSentNanos = now;
                return batch;
            }
        }
        // What the receiver waits for first: re-sent packets and re-injected copies, then new data.
        bytes += writePackets(link, link.resends, maxBytes - bytes, now, batch);
        bytes += writeCopies(link, link.reinjections, maxBytes - bytes, batch);
        bytes += writePackets(link, link.data, maxBytes - bytes, now, batch);
        writeCopies(link, link.copies, maxBytes - bytes, batch);
        return batch;
    }

    private static int writePackets(PathLink link, ArrayDeque<Packet> queue, int maxBytes, long now, List<Frame> batch) {
        int bytes = 0;
        while (bytes < maxBytes && !queue.isEmpty()) {
            Packet p = queue.poll();
            if (p.acked || p.path != link) {
                continue; // acknowledged meanwhile, or moved to another path
            }
            p.sentNanos = now;
            link.queuedBytes -= p.wireBytes();
            bytes += write(link, p, batch);
        }
        return bytes;
    }

    private static int writeCopies(PathLink link, ArrayDeque<Packet.Copy> queue, int maxBytes, List<Frame> batch) {
        int bytes = 0;
        while (bytes < maxBytes && !queue.isEmpty()) {
            Packet.Copy c = queue.poll();
            if (!c.settled) {
                c.written = true;
                link.queuedBytes -= c.packet.wireBytes();
                bytes += write(link, c.packet, batch);
            }
        }
        return bytes;
    }

    private static int write(PathLink link, Packet p, List<Frame> batch) {
        batch.add(p.frame());
        link.packetsSent += p.isFin() ? 0 : 1;
        link.bytesSent += p.isFin() ? 0 : p.payload.length;
        return p.wireBytes();
    }

    /**
     * The writer of {@code link} wrote CLOSE or RESET: nothing more goes on this path. After RESET
     * the path is closed; after CLOSE its reader waits for the peer's CLOSE (or the linger).
     */
    void wroteLast(PathLink link) {
        if (state() == State.RESET) {
            link.closeSocket();
        }
    }

    /** Whether {@code link} ended by the CLOSE exchange, with the session not reset: it may be reused. */
    boolean closedCleanly(PathLink link) {
        lock.lock();
        try {
            return link.closeReceived && state != State.RESET;
        } finally {
            lock.unlock();
        }
    }

    /** A path's reader or writer failed: the path is down, and what it held goes to the others. */
    void pathFailed(PathLink link, String reason) {
        lock.lock();
        try {
            if (link.phase == PathLink.Phase.DOWN) {
                return;
            }
            boolean quiet = state != State.ESTABLISHED || link.closeSentNanos != 0 || link.closeReceived;
            if (quiet) {
                log.debug("{}: {} closed: {}", label, link, reason);
            } else {
                log.warn("{}: {} failed: {}", label, link, reason);
            }
            takeDown(link, reason);
        } finally {
            lock.unlock();
        }
        link.closeSocket();
    }

    /** Takes {@code link} out of service and re-sends, on the other paths, every packet it held. */
    private void takeDown(PathLink link, String reason) {
        boolean wasUp = link.phase == PathLink.Phase.UP;
        link.phase = PathLink.Phase.DOWN;
        link.work.signal();
        if (paths.remove(link)) {
            finishedPaths.add(link.stats());
        }
        if (paths.stream().noneMatch(PathLink::isUp)) {
            noPathSince = clock.getAsLong();
        }
        if (!wasUp || state != State.ESTABLISHED) {
            return;
        }
        for (Packet p : send.unacknowledged()) {
            if (p.path == link) {
                resend(p, link);
            }
            if (p.copies != null) {
                p.copies.stream().filter(c -> c.path == link).forEach(c -> c.settled = true);
            }
        }
        link.copies.clear();
        link.reinjections.clear();
        link.stillInPipe.clear();
        link.inflightBytes = 0;
        link.queuedBytes = 0;
        // An ACK (perhaps a window update) may have been lost with the path: repeat it on another.
        PathLink other = firstUp();
        if (other != null) {
            other.control.add(receive.ack());
            other.work.signal();
        }
        changed.signalAll();
    }

    /**
     * Moves {@code p} to another path than {@code avoid}, at the head of its queue: re-sent packets
     * are what the receiver is waiting for. With no other path up it waits as an orphan.
     */
    private void resend(Packet p, PathLink avoid) {
        if (p.path != null) {
            leave(p);
        }
        List<PathView> candidates = new ArrayList<>();
        for (PathLink l : paths) {
            if (l.isUp() && l != avoid && !l.suspect) {
                candidates.add(l);
            }
        }
        if (candidates.isEmpty()) {
            for (PathLink l : paths) {
                if (l.isUp() && l != avoid) {
                    candidates.add(l);
                }
            }
        }
        if (candidates.isEmpty()) {
            orphans.add(p);
            return;
        }
        PathLink target = choose(candidates, p);
        if (target == null) { // a re-send never waits for room: the least loaded path takes it
            target = (PathLink) candidates.stream().min(Comparator.comparingLong(PathView::bytesInFlight))
                    .orElseThrow();
        }
        give(p, target);
        target.resends.add(p);
        target.packetsResent++;
    }

    private void give(Packet p, PathLink target) {
        p.path = target;
        p.sentNanos = 0; // not written yet
        p.givenNanos = clock.getAsLong();
        p.transmissions++;
        target.inflightBytes += p.wireBytes();
        target.queuedBytes += p.wireBytes();
        target.work.signal();
    }

    // ---------------------------------------------------------------- the local stream

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void shutdownOutput() throws IOException {
        lock.lock();
        try {
            if (send.finQueued() || state == State.DONE) {
                return;
            }
            awaitCredit();
            dispatch(send.add(null));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(0);
    }

    /**
     * The local side is done with the session. After both directions ended, the session finishes
     * on its own (the last acknowledgements and CLOSE); before that, this is an abort, and the peer
     * gets a RESET.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (state != State.ESTABLISHED || closedLocally) {
                return;
            }
            closedLocally = true;
            lastMovedAfterLocalClose = clock.getAsLong();
            if (!(send.finQueued() && receive.finished())) {
                reset(ErrorCode.GENERAL, "the local connection ended before the stream did", true);
            }
        } finally {
            lock.unlock();
        }
        afterEnd();
    }

    private void awaitCredit() throws IOException {
        while (state == State.ESTABLISHED && !(send.hasCredit() && paths.stream().anyMatch(PathLink::isUp))) {
            if (!send.hasCredit()) {
                reinjectOldest();
            }
            changed.awaitUninterruptibly();
        }
        if (state != State.ESTABLISHED) {
            throw new StreamResetException("session " + label + " " + endReason);
        }
    }

    /**
     * Gives a new packet to the path the scheduler picks among those up. The scheduler may answer
     * "wait" (no path with room, or a better one soon); then this waits for an acknowledgement or a
     * change of paths and asks again. With nothing in flight anywhere no acknowledgement would come,
     * so then the first path takes the packet.
     */
    private void dispatch(Packet p) throws IOException {
        while (true) {
            // A suspect path takes new packets only when every path is suspect.
            List<PathView> candidates = new ArrayList<>();
            for (PathLink l : paths) {
                if (l.isUp() && !l.suspect) {
                    candidates.add(l);
                }
            }
            if (candidates.isEmpty()) {
                paths.stream().filter(PathLink::isUp).forEach(candidates::add);
            }
            if (candidates.isEmpty()) {
                awaitCredit(); // a path will join, or the session ends
                continue;
            }
            candidates.sort(Comparator.comparingInt(PathView::index));
            List<PathLink> targets = chooseCopies(candidates, p);
            if (targets.isEmpty() && candidates.stream().allMatch(c -> c.bytesInFlight() == 0)) {
                targets = List.of((PathLink) candidates.getFirst());
            }
            if (!targets.isEmpty()) {
                PathLink target = targets.getFirst();
                give(p, target);
                target.data.add(p);
                for (PathLink extra : targets.subList(1, targets.size())) {
                    copy(p, extra, extra.copies);
                }
                return;
            }
            changed.awaitUninterruptibly();
            if (state != State.ESTABLISHED) {
                throw new StreamResetException("session " + label + " " + endReason);
            }
        }
    }

    /**
     * The sender is out of credit: the peer's reorder buffer is full and waits for the oldest packet.
     * If that packet sits on a path slower than another with room, a copy goes on the faster one
     * (opportunistic re-injection), and the slow path's window is halved, at most once per its RTT,
     * so it holds fewer packets the receiver would wait for (penalisation; Raiciu et al., NSDI 2012).
     * This is what keeps any scheduler from dragging the session down to the pace of its slowest path.
     */
    private void reinjectOldest() {
        Packet oldest = send.oldest();
        if (oldest == null || oldest.path == null
                || oldest.copies != null && oldest.copies.stream().anyMatch(c -> !c.settled)) {
            return; // nothing waits, or a copy is already on its way
        }
        PathLink slow = oldest.path;
        PathLink fast = null;
        for (PathLink l : paths) {
            if (l != slow && l.isUp() && !l.suspect && l.hasRoom(oldest.wireBytes())
                    && sooner(l, slow, oldest.wireBytes()) && (fast == null || sooner(l, fast, oldest.wireBytes()))) {
                fast = l;
            }
        }
        if (fast == null) {
            return;
        }
        copy(oldest, fast, fast.reinjections);
        oldest.reinjected = true;
        fast.packetsResent++;
        slow.queueControl.penalise(clock.getAsLong(), slow.smoothedRtt);
    }

    /**
     * Our stream has ended, so no new packet will fill a path that has room: such a path takes a
     * copy of a packet that a slower path holds, if the copy would arrive first (tail re-injection).
     * Newest packets first, as the slow path delivers the oldest soonest: copies and originals meet
     * in the middle, and the transfer no longer ends at the pace of its slowest path. Among the
     * paths that would be sooner, the scheduler chooses, so a dear path takes copies only when the
     * scheduler would give it data.
     */
    private void reinjectTail() {
        if (!send.finQueued() || state != State.ESTABLISHED) {
            return;
        }
        List<Packet> unacked = send.unacknowledged();
        Map<PathLink, Long> upTo = new HashMap<>(); // per holder: its bytes in flight up to and including the packet
        for (PathLink l : paths) {
            upTo.put(l, l.inflightBytes); // before this pass: the copies it queues go after the holder's own packets
        }
        for (Packet p : unacked.reversed()) {
            PathLink holder = p.path;
            if (holder == null || !upTo.containsKey(holder)) {
                continue;
            }
            long through = upTo.get(holder);
            upTo.put(holder, through - p.wireBytes());
            if (p.sentNanos == 0 || p.copies != null && p.copies.stream().anyMatch(c -> !c.settled)) {
                continue; // not written yet (it goes first there anyway), or a copy is already on its way
            }
            double onHolder = arrival(holder, through);
            List<PathView> sooner = new ArrayList<>();
            for (PathLink l : paths) {
                if (l != holder && l.isUp() && !l.suspect && l.hasRoom(p.wireBytes())
                        && arrival(l, l.inflightBytes + p.wireBytes()) < onHolder) {
                    sooner.add(l);
                }
            }
            PathLink target = sooner.isEmpty() ? null : choose(sooner, p);
            if (target != null) {
                copy(p, target, target.reinjections);
                p.reinjected = true; // its ACK most likely comes from the copy: no credit to the holder (see acknowledged)
                target.packetsResent++;
            }
        }
    }

    /** Seconds until {@code bytes} given to {@code p} have arrived; never, for a path not measured yet. */
    private static double arrival(PathLink p, long bytes) {
        if (p.deliveryRate() <= 0 || p.minRtt < 0) {
            return Double.MAX_VALUE;
        }
        return (double) bytes / p.deliveryRate() + p.minRtt / 2e9;
    }

    /** Whether a packet given to {@code a} now would arrive before one given to {@code b}. */
    private static boolean sooner(PathLink a, PathLink b, int packetBytes) {
        return expectedArrival(a, packetBytes) < expectedArrival(b, packetBytes);
    }

    /**
     * Seconds until a packet given to {@code p} now would arrive: what is ahead of it at the path's
     * rate, then half its RTT (latency-aware's estimate). Unlike that scheduler, which tries an
     * unmeasured path at once, re-injection counts it as never: a copy must go where it surely helps.
     */
    private static double expectedArrival(PathLink p, int packetBytes) {
        return arrival(p, p.inflightBytes + packetBytes); // not measured yet: never, no reason to think it faster
    }

    /** The scheduler's paths for a new packet, first where it counts as sent; empty to wait. */
    private List<PathLink> chooseCopies(List<PathView> candidates, Packet p) {
        List<PathView> chosen;
        try {
            chosen = scheduler.selectCopies(List.copyOf(candidates), p.wireBytes());
        } catch (RuntimeException e) {
            log.error("{}: the scheduler failed; using {}", label, candidates.getFirst(), e);
            return List.of((PathLink) candidates.getFirst());
        }
        List<PathLink> out = new ArrayList<>();
        for (PathView v : chosen) {
            if (v instanceof PathLink link && candidates.contains(link) && !out.contains(link)) {
                out.add(link);
            } else {
                log.warn("{}: the scheduler chose a path it was not offered ({}); ignored", label, v);
            }
        }
        return out;
    }

    /** Queues an extra copy of {@code p} on {@code extra}'s {@code queue}: the receiver keeps whichever arrives first. */
    private void copy(Packet p, PathLink extra, ArrayDeque<Packet.Copy> queue) {
        Packet.Copy c = new Packet.Copy(p, extra);
        if (p.copies == null) {
            p.copies = new ArrayList<>(2);
        }
        p.copies.add(c);
        extra.inflightBytes += p.wireBytes();
        extra.queuedBytes += p.wireBytes();
        queue.add(c);
        extra.work.signal();
    }

    /** Takes the extra copies of {@code p} off their paths' books. */
    private void settleCopies(Packet p) {
        if (p.copies == null) {
            return;
        }
        for (Packet.Copy c : p.copies) {
            if (!c.settled) {
                c.settled = true;
                c.path.inflightBytes -= p.wireBytes();
                if (!c.written) {
                    c.path.queuedBytes -= p.wireBytes();
                }
            }
        }
    }

    /**
     * The scheduler's choice, or null to wait; a scheduler that fails, or answers with a path it was
     * not offered, gets the first one.
     */
    private PathLink choose(List<PathView> candidates, Packet p) {
        PathView chosen;
        try {
            chosen = scheduler.select(List.copyOf(candidates), p.wireBytes());
        } catch (RuntimeException e) {
            log.error("{}: the scheduler failed; using {}", label, candidates.getFirst(), e);
            return (PathLink) candidates.getFirst();
        }
        if (chosen == null) {
            return null;
        }
        if (chosen instanceof PathLink link && candidates.contains(link)) {
            return link;
        }
        log.warn("{}: the scheduler chose a path it was not offered ({}); using {}", label, chosen, candidates.getFirst());
        return (PathLink) candidates.getFirst();
    }

    private final class SessionOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, settings.packetSize());
                byte[] payload = new byte[n];
                System.arraycopy(b, off, payload, 0, n);
                lock.lock();
                try {
                    if (send.finQueued()) {
                        throw new IOException("session " + label + ": output already shut down");
                    }
                    awaitCredit();
                    dispatch(send.add(payload));
                } finally {
                    lock.unlock();
                }
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() throws IOException {
            shutdownOutput();
        }
    }

    private final class SessionInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            boolean ended;
            int n;
            lock.lock();
            try {
                while (state == State.ESTABLISHED && !receive.readable()) {
                    changed.awaitUninterruptibly();
                }
                if (state == State.RESET) {
                    throw new StreamResetException("session " + label + " " + endReason);
                }
                n = receive.take(b, off, len);
                if (n > 0 && state == State.ESTABLISHED
                        && receive.window() - receive.advertised() >= Math.max(1, settings.bufferPackets() / 4)) {
                    sendAck(lastArrival, clock.getAsLong());
                }
                checkDone();
                ended = state != State.ESTABLISHED;
            } finally {
                lock.unlock();
            }
            if (ended) {
                afterEnd();
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }

    // ---------------------------------------------------------------- time and the end

    private void tick() {
        try {
            tickOnce();
        } catch (RuntimeException e) {
            // An exception would end the periodic task, and with it keepalives, timeouts and deadlines.
            log.error("{}: unexpected failure; resetting the session", label, e);
            lock.lock();
            try {
                reset(ErrorCode.GENERAL, "internal error: " + e, true);
            } finally {
                lock.unlock();
            }
        }
    }

    private void tickOnce() {
        List<PathLink> silent = new ArrayList<>();
        boolean ended;
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (state == State.ESTABLISHED) {
                for (PathLink l : paths) {
                    if (!l.isUp()) {
                        continue;
                    }
                    l.queueControl.tick(now, l.minRtt);
                    if (now - l.lastReceiveNanos > settings.pathTimeout().toNanos()) {
                        silent.add(l);
                    } else if (now - l.lastPingNanos >= settings.keepalive().toNanos()) {
                        l.lastPingNanos = now;
                        l.control.add(new Frame.Ping(now));
                        l.work.signal();
                    }
                }
                for (PathLink l : silent) {
                    log.warn("{}: {} failed: nothing received for {} ms", label, l, settings.pathTimeout().toMillis());
                    takeDown(l, "silent");
                }
                retransmitOverdue(now);
                changed.signalAll(); // windows may have grown
                if (paths.stream().noneMatch(PathLink::isUp)
                        && now - noPathSince > settings.sessionDeadline().toNanos()) {
                    reset(ErrorCode.TIMEOUT, "no path up for " + settings.sessionDeadline().toSeconds() + " s", true);
                } else if (closedLocally && now - lastMovedAfterLocalClose > settings.sessionDeadline().toNanos()) {
                    // Counted from the last acknowledgement, not from the close: what is still in flight may
                    // sit on a slow path, or wait for a failed path's replacement, and still arrive.
                    reset(ErrorCode.TIMEOUT, "the peer did not finish the stream: nothing acknowledged for "
                            + settings.sessionDeadline().toSeconds() + " s after the local end", true);
                }
            }
            if (state != State.ESTABLISHED) {
                // CLOSE or RESET went out (or could not): a path waits a little for the peer, then closes.
                for (PathLink l : List.copyOf(paths)) {
                    if (now - l.closingSinceNanos > CLOSE_LINGER_NANOS) {
                        takeDown(l, "closed");
                        silent.add(l);
                    }
                }
            }
            ended = state != State.ESTABLISHED && paths.isEmpty();
        } finally {
            lock.unlock();
        }
        silent.forEach(PathLink::closeSocket);
        if (ended) {
            ticker.cancel(false);
            afterEnd();
        }
    }

    /**
     * A packet that has waited past its retransmission timeout on a path that still looks alive
     * goes to another path, and the slow path takes no new packets until an ACK shows it moves.
     */
    private void retransmitOverdue(long now) {
        if (paths.stream().filter(PathLink::isUp).count() < 2) {
            return;
        }
        List<PathLink> slow = new ArrayList<>();
        for (Packet p : send.unacknowledged()) {
            PathLink on = p.path;
            if (on == null) {
                continue;
            }
            // From the write; a packet still queued counts from when the path took it: the window keeps that
            // queue short, so a packet that waits there this long is behind a path too slow for it.
            long since = p.sentNanos != 0 ? p.sentNanos : p.givenNanos;
            long rto = arq.retransmitTimeout(on.smoothedRtt, on.rttVariation).toNanos();
            if (now - since > rto) {
                if (!on.suspect) {
                    on.suspect = true;
                    slow.add(on);
                }
                resend(p, on);
            }
        }
        // What a slow path has queued but not written yet would only wait behind what is overdue there.
        for (PathLink l : slow) {
            for (var queue : List.of(l.resends, l.data)) {
                for (Packet p : List.copyOf(queue)) {
                    if (p.path == l && !p.acked) {
                        resend(p, l);
                    }
                }
                queue.clear();
            }
        }
    }

    /** Both streams ended and ours is acknowledged: say so on every path, then CLOSE. */
    private void checkDone() {
        if (state != State.ESTABLISHED || !send.finAcknowledged() || !receive.finDelivered()) {
            return;
        }
        state = State.DONE;
        endReason = "done";
        for (PathLink l : paths) {
            if (l.isUp()) {
                l.control.add(receive.ack());
                l.control.add(new Frame.Close());
                l.phase = PathLink.Phase.CLOSING;
                l.closingSinceNanos = clock.getAsLong();
                l.work.signal();
            }
        }
        changed.signalAll();
        log.debug("{}: done", label);
    }

    /** Ends the session at once; with {@code tellPeer}, RESET goes out on every path that is up. */
    private void reset(ErrorCode code, String reason, boolean tellPeer) {
        if (state != State.ESTABLISHED) {
            return;
        }
        state = State.RESET;
        endReason = "reset: " + reason;
        log.info("{}: reset: {}", label, reason);
        for (PathLink l : List.copyOf(paths)) {
            if (tellPeer && l.isUp()) {
                l.control.add(new Frame.Reset(code, reason.length() > 1024 ? reason.substring(0, 1024) : reason));
                l.phase = PathLink.Phase.CLOSING;
                l.closingSinceNanos = clock.getAsLong();
                l.work.signal();
            } else {
                takeDown(l, "session reset");
                l.closeSocket();
            }
        }
        orphans.clear();
        changed.signalAll();
        resetActions.forEach(action -> Thread.ofVirtual().name("mpp-reset").start(action));
        resetActions.clear();
    }

    private boolean endAnnounced;
    private final List<Runnable> resetActions = new ArrayList<>();

    @Override
    public void onReset(Runnable action) {
        lock.lock();
        try {
            if (state != State.RESET) {
                resetActions.add(action);
                return;
            }
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().start(action);
    }

    /** Tells the owner once that the session is over. */
    private void afterEnd() {
        lock.lock();
        try {
            if (state == State.ESTABLISHED || endAnnounced) {
                return;
            }
            endAnnounced = true;
        } finally {
            lock.unlock();
        }
        onEnd.run();
    }

    /** Why the session ended, for logs: "done" or "reset: ...". */
    public String endReason() {
        lock.lock();
        try {
            return endReason;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "session " + label;
    }
}

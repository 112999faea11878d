package dev.mpp.runtime.session;

import dev.mpp.api.Options;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.ArqStrategyProvider;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.PathConnectorProvider;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import dev.mpp.runtime.net.Quietly;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One {@link Session} with the real codec ({@code binary}), scheduler ({@code latency-aware}) and
 * ARQ ({@code selective-repeat}), and everything around it played by the test: a clock that moves
 * only when told, the periodic tick that runs only when told, and on each path a {@link Peer} at
 * the far end of a loopback connection that reads what the session writes and answers what the
 * test says. The session's own threads still run (a writer per path, a reader per path), so a peer
 * reads with a deadline and {@link Peer#send} returns only once the session has handled the frame:
 * a test never sleeps.
 */
final class SessionBench implements AutoCloseable {
    /** Payload bytes of a full packet. */
    static final int PACKET = 1000;
    /** What a full packet costs a path's window ({@link Packet#wireBytes()}). */
    static final int WIRE = PACKET + 16;
    static final Duration KEEPALIVE = Duration.ofMillis(500);
    /** Longer than any wait a passing test has; a frame that does not come fails the test. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final FrameCodec CODEC;
    private static final SessionPlugins PLUGINS;

    static {
        PluginRegistry registry = PluginRegistry.load(null);
        PLUGINS = new SessionPlugins(registry.providers(Spi.FRAMING, FrameCodecProvider.class),
                registry.providers(Spi.PATH_CONNECTOR, PathConnectorProvider.class),
                registry.providers(Spi.SCHEDULER, PathSchedulerProvider.class),
                registry.providers(Spi.ARQ, ArqStrategyProvider.class),
                registry.providers(Spi.PEER_AUTHENTICATOR, PeerAuthenticatorProvider.class), PACKET);
        CODEC = PLUGINS.codec("binary");
    }

    /** Nanoseconds; never 0, which {@link Packet#sentNanos} reserves for "not written yet". */
    private final AtomicLong clock = new AtomicLong(Duration.ofHours(1).toNanos());
    private final ManualTimers timers = new ManualTimers();
    private final List<Peer> peers = new ArrayList<>();
    final Session session;

    /** @param peerWindow the credit the peer granted in OPEN: packets 0 to {@code peerWindow - 1} */
    SessionBench(long peerWindow) {
        // Timeouts and deadlines far off: only what a test does by hand happens.
        SessionSettings settings = new SessionSettings(PACKET, 64, Duration.ofMinutes(1), KEEPALIVE, Duration.ZERO,
                Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 8, Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        session = new Session(Mid.random(), "bench", settings, PLUGINS.scheduler("latency-aware"),
                PLUGINS.arq("selective-repeat"), peerWindow, timers, clock::get, () -> {});
    }

    long now() {
        return clock.get();
    }

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    /** Runs the session's periodic task once (keepalives, retransmission timeouts, windows, deadlines). */
    void tick() {
        timers.runPeriodic();
    }

    /** A path whose handshake is done, not yet attached: set its estimates first, then {@link Peer#attach}. */
    Peer path(int index, String name) {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket near = new Socket(listener.getInetAddress(), listener.getLocalPort());
            Socket far = listener.accept();
            FrameReader reader = new FrameReader(near.getInputStream());
            reader.use(CODEC.newDecoder());
            Peer peer = new Peer(session.newPath(index, name, 1, Options.empty("path"), near, CODEC, reader), near, far);
            peers.add(peer);
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the session (a RESET if it had not ended) and closes every connection, which ends the path threads. */
    @Override
    public void close() {
        session.close();
        peers.forEach(Peer::close);
    }

    /** The far end of one path: what the node at the other end of the session would see and say. */
    final class Peer implements AutoCloseable {
        final PathLink link;
        private final Socket near;
        private final Socket far;
        private final FrameReader reader;
        /** Frames read (while waiting for a PONG) and not yet taken; the session's ACKs are dropped. */
        private final ArrayDeque<Frame> inbox = new ArrayDeque<>();
        private long nextToken = 1;

        private Peer(PathLink link, Socket near, Socket far) throws IOException {
            this.link = link;
            this.near = near;
            this.far = far;
            far.setSoTimeout(READ_TIMEOUT_MILLIS);
            this.reader = new FrameReader(far.getInputStream());
            reader.use(CODEC.newDecoder());
        }

        /**
         * Gives the path estimates as if it had been measured: PONGs that said {@code minRtt}, and
         * one tick in which the peer acknowledged {@code bytesPerSecond} worth of its packets. The
         * clock moves one tick. Call before {@link #attach}, while no other thread looks at the path.
         */
        Peer measured(Duration minRtt, long bytesPerSecond) {
            link.minRtt = minRtt.toNanos();
            link.smoothedRtt = minRtt.toNanos();
            link.rttVariation = minRtt.toNanos() / 2;
            link.queueControl.acknowledged(bytesPerSecond * Session.TICK_MILLIS / 1000);
            advance(Duration.ofMillis(Session.TICK_MILLIS));
            link.queueControl.tick(now(), link.minRtt);
            return this;
        }

        /** Adds the path to the session (it queues an ACK and a PING on it) and runs its reader. */
        void attach() {
            if (!session.attach(link)) {
                throw new AssertionError("the session refused " + link);
            }
            Thread.ofVirtual().name("bench-" + link.name + "-reader").start(link::readLoop);
        }

        /** The path's bytes in flight, as the session's reader thread left them. */
        long inFlight() {
            session.state(); // takes the session's lock: this thread then sees what was written under it
            return link.bytesInFlight();
        }

        /** The next DATA or FIN the session wrote on this path. */
        Frame nextPacket() {
            return next(f -> f instanceof Frame.Data || f instanceof Frame.Fin);
        }

        /** The token of the next PING the session wrote on this path. */
        long nextPing() {
            return ((Frame.Ping) next(f -> f instanceof Frame.Ping)).token();
        }

        /** Writes {@code frame} to the session; returns once the session has handled it. */
        void send(Frame frame) {
            write(frame);
            roundTrip();
        }

        /**
         * The sequence numbers of the DATA and FIN frames the session has queued on this path so
         * far and the test has not taken. Two PING round trips: the writer puts control frames
         * first in a batch, so packets queued before the first PING may still follow its PONG.
         */
        List<Long> packetsQueuedSoFar() {
            roundTrip();
            roundTrip();
            List<Long> seqs = new ArrayList<>();
            for (Iterator<Frame> it = inbox.iterator(); it.hasNext(); ) {
                Frame f = it.next();
                if (f instanceof Frame.Data || f instanceof Frame.Fin) {
                    seqs.add(seq(f));
                    it.remove();
                }
            }
            return seqs;
        }

        /** Frames on a path are handled in order: the PONG says everything written before the PING was. */
        private void roundTrip() {
            long token = nextToken++;
            write(new Frame.Ping(token));
            while (true) {
                Frame f = read();
                if (f instanceof Frame.Pong(long t) && t == token) {
                    return;
                }
                keep(f);
            }
        }

        private Frame next(Predicate<Frame> wanted) {
            for (Iterator<Frame> it = inbox.iterator(); it.hasNext(); ) {
                Frame f = it.next();
                if (wanted.test(f)) {
                    it.remove();
                    return f;
                }
            }
            while (true) {
                Frame f = read();
                if (wanted.test(f)) {
                    return f;
                }
                keep(f);
            }
        }

        private void keep(Frame f) {
            if (!(f instanceof Frame.Ack)) { // what the session received: nothing, as no peer here sends data
                inbox.add(f);
            }
        }

        private Frame read() {
            try {
                return reader.next();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the session wrote nothing more on " + link + " for "
                        + READ_TIMEOUT_MILLIS + " ms", e);
            } catch (IOException e) {
                throw new UncheckedIOException("reading what the session wrote on " + link, e);
            }
        }

        private void write(Frame frame) {
            try {
                far.getOutputStream().write(Frames.encode(CODEC, frame));
            } catch (IOException e) {
                throw new UncheckedIOException("writing to the session on " + link, e);
            }
        }

        @Override
        public void close() {
            Quietly.close(far);
            Quietly.close(near);
        }
    }

    static long seq(Frame packet) {
        return switch (packet) {
            case Frame.Data d -> d.seq();
            case Frame.Fin f -> f.seq();
            default -> throw new AssertionError("not a packet: " + packet);
        };
    }

    /** Runs the session's periodic task only when the test says; one-shot tasks (ACK timers) never run. */
    private static final class ManualTimers extends AbstractExecutorService implements ScheduledExecutorService {
        private final List<Runnable> periodic = new CopyOnWriteArrayList<>();

        void runPeriodic() {
            periodic.forEach(Runnable::run);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
            periodic.add(task);
            return new Pending<>();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
            periodic.add(task);
            return new Pending<>();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return new Pending<>(); // an ACK timer: the peers here send no data, so the session has nothing to acknowledge
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
            return new Pending<>();
        }

        @Override
        public void execute(Runnable task) {
            throw new UnsupportedOperationException("the session only schedules");
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }

    /** A scheduled task that never runs by itself. */
    private static final class Pending<V> implements ScheduledFuture<V> {
        @Override
        public long getDelay(TimeUnit unit) {
            return Long.MAX_VALUE;
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public V get() {
            throw new UnsupportedOperationException("never runs");
        }

        @Override
        public V get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("never runs");
        }
    }
}

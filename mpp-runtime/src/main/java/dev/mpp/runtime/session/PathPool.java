package dev.mpp.runtime.session;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opener's paths whose session ended cleanly, kept open for the next session on the same
 * relay chain to the same peer (docs/mpp-protocol.md, section 10.1). A new session's path then
 * skips the TCP and SOCKS5 handshakes (one round trip each, per relay) and starts on a TCP
 * connection whose congestion window has already grown: on a long, fast route that is most of a
 * second of its bandwidth. While parked, each connection sends PING every keepalive and must get
 * PONG within the path timeout, so a dead one is dropped before a session tries it; each is
 * closed after {@code keepPaths} unused.
 */
final class PathPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PathPool.class);
    /** Parked connections per chain: more than one session's worth, for clients that open several at once. */
    static final int MAX_PER_CHAIN = 8;

    /** What makes two paths interchangeable: the same relays, in order, to the same peer address, in the same framing. */
    record Chain(List<Route.RelayHop> via, HostPort peer, String framing) {
        static Chain of(Route.Path path, String framing) {
            return new Chain(path.via(), path.peer(), framing);
        }
    }

    private final SessionSettings settings;
    private final Map<Chain, ArrayDeque<Parked>> parked = new HashMap<>();
    private boolean closed;

    PathPool(SessionSettings settings) {
        this.settings = settings;
    }

    /** A connection that did the preface with the peer and carries no session now. */
    static final class Parked {
        final Socket socket;
        final FrameReader reader;
        final FrameCodec codec;
        /** The last round trip seen on it (its session's smoothed RTT, then each PING's), or -1. */
        volatile long rttNanos;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition taken = lock.newCondition();
        /** Guarded by {@link #lock}: handed to a session, or closed. */
        private boolean gone;

        Parked(Socket socket, FrameReader reader, FrameCodec codec, long rttNanos) {
            this.socket = socket;
            this.reader = reader;
            this.codec = codec;
            this.rttNanos = rttNanos;
        }

        private enum Claim { TAKEN, BUSY, GONE }

        /**
         * Takes the connection from its keeper. BUSY while the keeper waits for a PONG: a session
         * does not wait for that (up to the path timeout, if the connection died), it looks further.
         */
        private Claim claim(boolean wait) {
            if (wait) {
                lock.lock();
            } else if (!lock.tryLock()) {
                return Claim.BUSY;
            }
            try {
                if (gone) {
                    return Claim.GONE;
                }
                gone = true;
                taken.signal();
                return Claim.TAKEN;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Whether a connection for {@code chain} is parked. */
    synchronized boolean has(Chain chain) {
        ArrayDeque<Parked> q = parked.get(chain);
        return q != null && !q.isEmpty();
    }

    /** A parked connection for {@code chain}, the most recently used first, or null. */
    Parked take(Chain chain) {
        List<Parked> busy = new ArrayList<>();
        try {
            while (true) {
                Parked p;
                synchronized (this) {
                    ArrayDeque<Parked> q = parked.get(chain);
                    p = q == null ? null : q.pollLast();
                }
                if (p == null) {
                    return null;
                }
                switch (p.claim(false)) {
                    case TAKEN -> {
                        return p;
                    }
                    case BUSY -> busy.add(p);
                    case GONE -> { }
                }
            }
        } finally {
            synchronized (this) {
                if (!busy.isEmpty()) {
                    parked.computeIfAbsent(chain, c -> new ArrayDeque<>()).addAll(busy);
                }
            }
        }
    }

    /**
     * How long a session waits for the answer on a parked connection before it counts the
     * connection as dead and dials a new one: a few of its round trips, not the handshake timeout.
     */
    Duration answerTimeout(Parked p) {
        long rtt = p.rttNanos > 0 ? p.rttNanos : settings.handshakeTimeout().toNanos();
        long nanos = Math.max(MIN_ANSWER_NANOS, 4 * rtt);
        return Duration.ofNanos(Math.min(nanos, settings.handshakeTimeout().toNanos()));
    }

    private static final long MIN_ANSWER_NANOS = Duration.ofMillis(250).toNanos();

    /** Before OPEN, whose answer waits for the destination: whether the peer still answers PING on {@code p}. */
    boolean answers(Parked p) {
        return ping(p, answerTimeout(p)) == null;
    }

    /**
     * Keeps {@code socket} for the next session on {@code chain}, or closes it if there is no room or the pool is closed.
     *
     * @param rttNanos its last smoothed RTT, or -1
     */
    void park(Chain chain, Socket socket, FrameReader reader, FrameCodec codec, long rttNanos) {
        Parked p = new Parked(socket, reader, codec, rttNanos);
        synchronized (this) {
            ArrayDeque<Parked> q = parked.computeIfAbsent(chain, c -> new ArrayDeque<>());
            if (closed || q.size() >= MAX_PER_CHAIN) {
                Quietly.close(socket);
                return;
            }
            q.addLast(p);
        }
        Thread.ofVirtual().name("mpp-parked-" + chain.peer()).start(() -> keep(chain, p));
    }

    /** Pings the parked connection until a session takes it, it fails, or it has waited {@code keepPaths}. */
    private void keep(Chain chain, Parked p) {
        long until = System.nanoTime() + settings.keepPaths().toNanos();
        long nextPing = System.nanoTime() + settings.keepalive().toNanos();
        String why = "unused for " + settings.keepPaths().toMillis() + " ms";
        p.lock.lock();
        try {
            while (!p.gone) {
                long now = System.nanoTime();
                if (now - until >= 0) {
                    break;
                }
                if (now - nextPing >= 0) {
                    String problem = ping(p, settings.pathTimeout());
                    if (problem != null) {
                        why = problem;
                        break;
                    }
                    nextPing = System.nanoTime() + settings.keepalive().toNanos();
                    continue;
                }
                p.taken.awaitNanos(Math.min(until - now, nextPing - now));
            }
            if (p.gone) {
                return; // a session has it
            }
            p.gone = true;
        } catch (InterruptedException e) {
            p.gone = true;
        } finally {
            p.lock.unlock();
        }
        synchronized (this) {
            ArrayDeque<Parked> q = parked.get(chain);
            if (q != null) {
                q.remove(p);
            }
        }
        log.debug("parked path to {} closed: {}", chain.peer(), why);
        Quietly.close(p.socket);
    }

    /** One PING and its PONG within {@code timeout}; the problem, or null if the peer answered. */
    private static String ping(Parked p, Duration timeout) {
        try {
            long token = System.nanoTime();
            p.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            Frames.writeWithin(p.socket, p.codec, new Frame.Ping(token), timeout);
            Frame answer = p.reader.next();
            p.socket.setSoTimeout(0);
            if (answer instanceof Frame.Pong(long t) && t == token) {
                p.rttNanos = System.nanoTime() - token;
                return null;
            }
            return "the peer answered PING with " + answer.getClass().getSimpleName().toUpperCase();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Closes every parked connection; paths that end later are closed, not parked. */
    @Override
    public void close() {
        List<Parked> all;
        synchronized (this) {
            closed = true;
            all = parked.values().stream().flatMap(ArrayDeque::stream).toList();
            parked.clear();
        }
        for (Parked p : all) {
            Quietly.close(p.socket); // first: a keeper blocked on it lets go
            p.claim(true);
        }
    }
}

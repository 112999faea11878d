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
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition taken = lock.newCondition();
        /** Guarded by {@link #lock}: handed to a session, or closed. */
        private boolean gone;

        Parked(Socket socket, FrameReader reader, FrameCodec codec) {
            this.socket = socket;
            this.reader = reader;
            this.codec = codec;
        }

        /** Takes the connection from its keeper: false if the keeper found it dead first. */
        private boolean claim() {
            lock.lock();
            try { // the keeper holds the lock through a PING and its PONG, so a claim never splits them
                if (gone) {
                    return false;
                }
                gone = true;
                taken.signal();
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    /** A parked connection for {@code chain}, the most recently used first, or null. */
    Parked take(Chain chain) {
        while (true) {
            Parked p;
            synchronized (this) {
                ArrayDeque<Parked> q = parked.get(chain);
                p = q == null ? null : q.pollLast();
            }
            if (p == null) {
                return null;
            }
            if (p.claim()) {
                return p;
            }
        }
    }

    /** Keeps {@code socket} for the next session on {@code chain}, or closes it if there is no room or reuse is off. */
    void park(Chain chain, Socket socket, FrameReader reader, FrameCodec codec) {
        Parked p = new Parked(socket, reader, codec);
        reader.onRead(() -> {});
        synchronized (this) {
            ArrayDeque<Parked> q = parked.computeIfAbsent(chain, c -> new ArrayDeque<>());
            if (closed || settings.keepPaths().isZero() || q.size() >= MAX_PER_CHAIN) {
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
                    String problem = ping(p);
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

    /** One PING and its PONG; the problem, or null if the peer answered. */
    private String ping(Parked p) {
        try {
            long token = System.nanoTime();
            p.socket.setSoTimeout((int) Math.max(1, settings.pathTimeout().toMillis()));
            p.socket.getOutputStream().write(Frames.encode(p.codec, new Frame.Ping(token)));
            Frame answer = p.reader.next();
            p.socket.setSoTimeout(0);
            return answer instanceof Frame.Pong(long t) && t == token ? null
                    : "the peer answered PING with " + answer.getClass().getSimpleName().toUpperCase();
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
            if (p.claim()) {
                Quietly.close(p.socket);
            }
        }
    }
}

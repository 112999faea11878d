package dev.mpp.runtime.session;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.frame.Preface;
import dev.mpp.api.frame.Transcript;
import dev.mpp.api.spi.ArqStrategy;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PeerAuthenticator;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions for routes (docs/mpp-protocol.md, section 8.1 and 8.2): every path of the route
 * connects at once; the first one up carries OPEN, and data may flow as soon as OPEN-OK is back;
 * the others JOIN as they come up. For the session's life each path that fails is re-opened with
 * backoff and joins again. A path whose session ended cleanly waits in the {@link PathPool} for
 * the next session on the same relay chain.
 */
public final class SessionOpener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionPlugins plugins;
    private final SessionSettings settings;
    private final ScheduledExecutorService timers;
    private final SessionRegistry registry;
    private final PathPool pool;

    public SessionOpener(SessionPlugins plugins, SessionSettings settings, ScheduledExecutorService timers,
                         SessionRegistry registry) {
        this.plugins = plugins;
        this.settings = settings;
        this.timers = timers;
        this.registry = registry;
        this.pool = new PathPool(settings);
    }

    /** Closes the parked paths; sessions still open keep theirs until they end. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Opens a session to {@code destination} over {@code route}, within the connect timeout.
     *
     * @throws ConnectException with the peer's verdict (its OPEN-ERROR code) or why no path could carry OPEN
     */
    public Session open(Route route, HostPort destination) throws ConnectException {
        Attempt attempt;
        try {
            attempt = new Attempt(route, destination);
        } catch (RuntimeException e) { // a reloaded route may name a plugin this node does not have
            throw new ConnectException(ConnectFailure.GENERAL, "route to " + route.peer() + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < route.paths().size(); i++) {
            int index = i;
            Thread.ofVirtual().name("mpp-path-" + route.paths().get(i).name()).start(() -> attempt.runPath(index));
        }
        return attempt.await();
    }

    private static ConnectFailure failureOf(ErrorCode code) {
        return switch (code.code()) {
            case 2 -> ConnectFailure.NOT_ALLOWED;
            case 3 -> ConnectFailure.NETWORK_UNREACHABLE;
            case 4 -> ConnectFailure.HOST_UNREACHABLE;
            case 5 -> ConnectFailure.CONNECTION_REFUSED;
            case 6 -> ConnectFailure.TTL_EXPIRED;
            default -> ConnectFailure.GENERAL;
        };
    }

    /** One session being opened and then kept supplied with paths. */
    private final class Attempt {
        private final Route route;
        private final HostPort destination;
        private final FrameCodec codec;
        private final PeerAuthenticator auth;
        private final PathScheduler scheduler;
        private final ArqStrategy arq;
        private final String label;
        private final long deadline;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean openInFlight;
        private int pathsFailed;
        private Session session;
        private ConnectException failure;
        private byte[] sessionNonce;

        Attempt(Route route, HostPort destination) {
            this.route = route;
            this.destination = destination;
            this.codec = plugins.codec(route.framing());
            this.auth = plugins.peerAuthenticator(route.peerKey());
            this.scheduler = plugins.scheduler(route);
            this.arq = plugins.arq(route.arq());
            this.label = destination + " via " + route.peer();
            this.deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        }

        Session await() throws ConnectException {
            lock.lock();
            try {
                while (session == null && failure == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail(new ConnectException(ConnectFailure.TTL_EXPIRED, "peer " + route.peer()
                                + ": no path carried OPEN to OPEN-OK within " + settings.connectTimeout().toMillis() + " ms"));
                        break;
                    }
                    changed.awaitNanos(left);
                }
                if (session != null) {
                    return session;
                }
                throw failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new ConnectException(ConnectFailure.GENERAL, "interrupted"));
                throw failure;
            } finally {
                lock.unlock();
            }
        }

        private void fail(ConnectException e) {
            if (session == null && failure == null) {
                failure = e;
                changed.signalAll();
            }
        }

        /** Whether the path loop should stop: the open failed, or the session is over. */
        private boolean over() {
            return failure != null || session != null && session.state() != Session.State.ESTABLISHED;
        }

        /** The life of one path of the route: connect, OPEN or JOIN, carry traffic, and again after a failure. */
        void runPath(int index) {
            Route.Path path = route.paths().get(index);
            Duration backoff = settings.reconnectBackoff();
            PathPool.Chain chain = PathPool.Chain.of(path, route.framing());
            while (true) {
                PathPool.Parked parked = pool.has(chain) && awaitOpenSettled() ? pool.take(chain) : null;
                Socket socket;
                try {
                    socket = parked != null ? parked.socket
                            : plugins.connector(path).connect(path, path.peer(), settings.connectTimeout());
                } catch (ConnectException e) {
                    if (!pathDown(path, "cannot connect: " + e.getMessage(), false) || !sleep(backoff)) {
                        return;
                    }
                    backoff = longer(backoff);
                    continue;
                }
                Carried carried;
                long since = System.nanoTime();
                try {
                    carried = carry(index, path, socket, parked);
                } catch (RuntimeException e) {
                    log.error("{}: path {}: unexpected failure", label, path.name(), e);
                    carried = Carried.NO;
                }
                if (carried.reader() != null) {
                    pool.park(chain, socket, carried.reader(), codec, carried.rttNanos());
                } else {
                    Quietly.close(socket);
                }
                if (carried.stale() && !over()) {
                    continue; // the parked connection no longer answers: dial a new one at once
                }
                // Only a path that lasted starts over with the shortest wait; one that dies at once backs off.
                if (carried.served() && System.nanoTime() - since > settings.pathTimeout().toNanos()) {
                    backoff = settings.reconnectBackoff();
                }
                if (over() || !sleep(backoff)) {
                    return;
                }
                backoff = longer(backoff);
            }
        }

        /**
         * Waits while another path's OPEN is in flight: a parked connection is for JOIN then, and a
         * claimed one would sit unwatched meanwhile.
         *
         * @return false if the attempt is over
         */
        private boolean awaitOpenSettled() {
            lock.lock();
            try {
                whileOpenInFlight();
                return !over();
            } finally {
                lock.unlock();
            }
        }

        /** Waits, with the lock held, while another path carries OPEN and the attempt goes on. */
        private void whileOpenInFlight() {
            while (session == null && failure == null && openInFlight) {
                changed.awaitUninterruptibly();
            }
        }

        private Duration longer(Duration backoff) {
            Duration doubled = backoff.multipliedBy(2);
            return doubled.compareTo(settings.reconnectBackoffMax()) > 0 ? settings.reconnectBackoffMax() : doubled;
        }

        /**
         * Waits {@code backoff} before the next try; before the session exists, also until it does
         * (a path that could not carry OPEN joins once another path has opened the session).
         *
         * @return false if the path should give up: the open failed or the session is over
         */
        private boolean sleep(Duration backoff) {
            lock.lock();
            try {
                long until = System.nanoTime() + backoff.toNanos();
                while (!over()) {
                    long left = until - System.nanoTime();
                    if (left <= 0 && session != null) {
                        return true;
                    }
                    changed.awaitNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(Session.TICK_MILLIS)));
                }
                return false;
            } catch (InterruptedException e) {
                return false;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Before the session exists, a path that fails counts towards "no path could open it".
         *
         * @return whether this path should keep trying
         */
        private boolean pathDown(Route.Path path, String why, boolean wasOpening) {
            lock.lock();
            try {
                if (!over()) {
                    log.warn("{}: path {} {}", label, path.name(), why); // one line per failure, naming the hop
                }
                if (session == null) {
                    pathsFailed++;
                    if (wasOpening) {
                        openInFlight = false;
                        lastOpenProblem = why;
                    }
                    if (pathsFailed >= route.paths().size() && !openInFlight) {
                        fail(new ConnectException(ConnectFailure.GENERAL, "peer " + route.peer() + " not usable: "
                                + (lastOpenProblem != null ? lastOpenProblem : why)));
                    }
                    changed.signalAll();
                    return true;
                }
                return !over();
            } finally {
                lock.unlock();
            }
        }

        private String lastOpenProblem;

        /**
         * Puts a connected path to use: OPEN if no session exists and no other path is opening it,
         * else JOIN once it exists.
         *
         * @param parked a parked connection (its preface is done), or null for a new one
         */
        private Carried carry(int index, Route.Path path, Socket socket, PathPool.Parked parked) {
            boolean opening;
            lock.lock();
            try {
                whileOpenInFlight();
                if (over()) {
                    return parked != null ? Carried.keep(false, parked.reader, parked.rttNanos) : Carried.NO;
                }
                opening = session == null;
                openInFlight |= opening;
            } finally {
                lock.unlock();
            }
            boolean answered = false;
            try {
                // OPEN's answer waits for B to reach the destination: first make sure a parked connection still answers.
                // JOIN's comes at once: on a parked connection, a few round trips without it mean the connection is dead.
                if (parked != null && opening && !pool.answers(parked)) {
                    throw new IOException("no PONG within " + pool.answerTimeout(parked).toMillis() + " ms");
                }
                Duration answerTimeout = parked != null && !opening ? pool.answerTimeout(parked) : settings.handshakeTimeout();
                socket.setSoTimeout((int) Math.max(1, answerTimeout.toMillis()));
                FrameReader reader = parked != null ? parked.reader : new FrameReader(socket.getInputStream());
                Frame first = opening ? openFrame() : joinFrame();
                Frame answer = handshake(socket, reader, first, parked == null);
                answered = true;
                PathLink link = opening ? opened(index, path, socket, reader, (Frame.Open) first, answer)
                        : joined(index, path, socket, reader, (Frame.Join) first, answer);
                if (link == null) {
                    return Carried.NO;
                }
                socket.setSoTimeout(0);
                link.readLoop();
                // Answers the peer's CLOSE either way (section 10); keeps the connection only if reuse is on.
                boolean reusable = link.completeCloseExchange(Session.CLOSE_LINGER_NANOS) && !settings.keepPaths().isZero();
                return reusable ? Carried.keep(true, reader, link.smoothedRttNanos()) : Carried.YES;
            } catch (IOException e) {
                if (parked != null && !answered) {
                    // Closed by the peer while parked (its keepPaths ran out first), or dead: not this path's failure.
                    log.debug("{}: path {}: parked connection unusable: {}", label, path.name(), e.getMessage());
                    if (opening) {
                        lock.lock();
                        try {
                            openInFlight = false;
                            changed.signalAll();
                        } finally {
                            lock.unlock();
                        }
                    }
                    return Carried.STALE;
                }
                pathDown(path, (opening ? "OPEN failed: " : "JOIN failed: ") + e.getMessage(), opening);
                return Carried.NO;
            }
        }

        private Frame.Open openFrame() {
            Mid mid = Mid.random();
            byte[] nonce = randomNonce();
            long window = settings.bufferPackets();
            Frame.Open unsigned = new Frame.Open(mid, destination, Instant.now().getEpochSecond(), nonce,
                    new byte[Frame.PROOF_BYTES], window);
            return new Frame.Open(mid, destination, unsigned.time(), nonce, auth.prove(Transcript.open(unsigned)), window);
        }

        private PathLink opened(int index, Route.Path path, Socket socket, FrameReader reader, Frame.Open open,
                                Frame answer) throws IOException {
            Mid mid = open.mid();
            switch (answer) {
                case Frame.OpenOk ok -> {
                    Frame.OpenOk unsignedOk = new Frame.OpenOk(ok.nonce(), new byte[Frame.PROOF_BYTES], ok.window());
                    if (!auth.verify(Transcript.openOk(open, unsignedOk), ok.proof())) {
                        throw new IOException("peer " + route.peer() + " answered OPEN with a proof that does not verify: "
                                + "it holds another key than this route's peerKey");
                    }
                    lock.lock();
                    try {
                        if (failure != null) { // too late: the client has had its answer
                            socket.getOutputStream().write(Frames.encode(codec, new Frame.Reset(ErrorCode.TIMEOUT, "opened too late")));
                            return null;
                        }
                        sessionNonce = ok.nonce();
                        session = new Session(mid, mid.toString().substring(0, 8) + " " + label, settings,
                                scheduler, arq, ok.window(), timers,
                                System::nanoTime, this::ended);
                        registry.add(session);
                        openInFlight = false;
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    log.info("{}: session {} open on path {}", label, session.label, path.name());
                    return attachOrNull(index, path, socket, reader);
                }
                case Frame.OpenError(ErrorCode code, String message) -> {
                    String why = code.equals(ErrorCode.AUTHENTICATION_FAILED)
                            ? "authentication failed: the peer's key differs from this route's peerKey, the clocks are more "
                            + "than 120 s apart, or the session ID collided"
                            : message + " (code " + code.code() + ")";
                    log.info("{}: peer refused the session: {}", label, why);
                    lock.lock();
                    try {
                        openInFlight = false;
                        fail(new ConnectException(failureOf(code), "peer " + route.peer() + " refused: " + why));
                    } finally {
                        lock.unlock();
                    }
                    return null;
                }
                default -> throw new IOException("peer answered OPEN with " + answer.getClass().getSimpleName().toUpperCase());
            }
        }

        private void ended() {
            registry.remove(session);
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private Frame.Join joinFrame() {
            Session s;
            byte[] sNonce;
            lock.lock();
            try {
                s = session;
                sNonce = sessionNonce;
            } finally {
                lock.unlock();
            }
            byte[] joinNonce = randomNonce();
            return new Frame.Join(s.mid, joinNonce, auth.prove(Transcript.join(s.mid, sNonce, joinNonce)));
        }

        private PathLink joined(int index, Route.Path path, Socket socket, FrameReader reader, Frame.Join join,
                                Frame answer) throws IOException {
            byte[] sNonce;
            lock.lock();
            try {
                sNonce = sessionNonce;
            } finally {
                lock.unlock();
            }
            switch (answer) {
                case Frame.JoinOk(byte[] proof) -> {
                    if (!auth.verify(Transcript.joinOk(join.mid(), sNonce, join.nonce()), proof)) {
                        throw new IOException("JOIN-OK proof does not verify: the peer holds another key");
                    }
                    return attachOrNull(index, path, socket, reader);
                }
                case Frame.JoinError(ErrorCode code, String message) ->
                        throw new IOException("peer refused JOIN: " + message + " (code " + code.code() + ")");
                default -> throw new IOException("peer answered JOIN with " + answer.getClass().getSimpleName().toUpperCase());
            }
        }

        private PathLink attachOrNull(int index, Route.Path path, Socket socket, FrameReader reader) {
            PathLink link = session.newPath(index, path.name(), path.weight(), path.options(), socket, codec, reader);
            return session.attach(link) ? link : null;
        }

        /**
         * Sends the preface (on a new connection) and {@code first} in one write, checks the peer's
         * preface, and returns its first frame.
         */
        private Frame handshake(Socket socket, FrameReader reader, Frame first, boolean withPreface) throws IOException {
            byte[] frame = Frames.encode(codec, first);
            if (!withPreface) {
                socket.getOutputStream().write(frame);
                return reader.next();
            }
            Preface ours = new Preface(Preface.VERSION, route.framing());
            byte[] preface = ours.toBytes();
            byte[] both = new byte[preface.length + frame.length];
            System.arraycopy(preface, 0, both, 0, preface.length);
            System.arraycopy(frame, 0, both, preface.length, frame.length);
            socket.getOutputStream().write(both);
            switch (reader.preface()) {
                case Preface.Read(Preface theirs) when theirs.equals(ours) -> reader.use(codec.newDecoder());
                case Preface.Read(Preface theirs) -> throw new IOException("peer " + route.peer() + " answered '" + theirs
                        + "' to '" + ours + "': it does not speak this version or framing");
                case Preface.Invalid invalid -> throw new IOException("peer " + route.peer() + " does not speak MPP ("
                        + invalid.reason() + ")");
                case Preface.NeedMore n -> throw new IllegalStateException("preface() never returns NeedMore");
            }
            return reader.next();
        }
    }

    /**
     * How a path's turn ended: whether it served the session; whether it was a parked connection
     * the peer had closed meanwhile (tried before it served: dial anew at once); and the reader of a
     * connection that may carry the next session (null if it is to be closed).
     */
    private record Carried(boolean served, boolean stale, FrameReader reader, long rttNanos) {
        static final Carried YES = new Carried(true, false, null, -1);
        static final Carried NO = new Carried(false, false, null, -1);
        static final Carried STALE = new Carried(false, true, null, -1);

        static Carried keep(boolean served, FrameReader reader, long rttNanos) {
            return new Carried(served, false, reader, rttNanos);
        }
    }

    private static byte[] randomNonce() {
        byte[] nonce = new byte[Frame.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}

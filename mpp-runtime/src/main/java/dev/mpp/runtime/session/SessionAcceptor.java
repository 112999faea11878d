package dev.mpp.runtime.session;

import dev.mpp.api.ConnectException;
import dev.mpp.api.Options;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.frame.Preface;
import dev.mpp.api.frame.Transcript;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.PeerAuthenticator;
import dev.mpp.api.spi.Relay;
import dev.mpp.runtime.net.DirectOutbound;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer port: accepts paths, authenticates OPEN and JOIN (docs/mpp-protocol.md, sections 8.1,
 * 8.2 and 12), connects each new session to its destination, and serves many sessions at once.
 * A path's handshake runs on the connection's thread, which then stays its reader. A path whose
 * session ended cleanly stays open for {@code keepPaths}, answering PING, in case the opener
 * starts another session on it (section 10.1).
 */
public final class SessionAcceptor implements Inbound {
    private static final Logger log = LoggerFactory.getLogger(SessionAcceptor.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How far an OPEN's clock may be from ours, and half of how long its nonce is remembered. */
    static final long CLOCK_SKEW_SECONDS = 120;
    /** Nonces of accepted OPENs are remembered for 2 x the skew; past this many, OPENs are refused until some expire. */
    private static final int MAX_REMEMBERED_NONCES = 1 << 18;
    private static final int MAX_JOINS_PER_SESSION = 1024;
    private static final String REFUSED = "authentication failed";

    private final SessionPlugins plugins;
    private final SessionSettings settings;
    private final PeerAuthenticator auth;
    private final DirectOutbound destinations;
    private final Relay relay;
    private final ScheduledExecutorService timers;
    private final SessionRegistry registry;
    private final int maxSessions;
    private final String scheduler;
    private final String arq;
    /** Per accepted session: the acceptor's session nonce and the join nonces used so far. */
    private final Map<Mid, Accepted> accepted = new ConcurrentHashMap<>();
    /** Nonces of accepted OPENs, and the same in the order they expire, so forgetting costs nothing per OPEN. */
    private final Set<Nonce> openNonces = new HashSet<>();
    private final ArrayDeque<Remembered> openNonceExpiry = new ArrayDeque<>();
    /** Sessions accepted here and not yet ended (the MIDs of ended ones linger in {@link #accepted}). */
    private final AtomicInteger liveSessions = new AtomicInteger();
    /** Connections waiting, between sessions, for the opener's next OPEN or JOIN. */
    private final Set<Socket> parked = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    private record Remembered(Nonce nonce, long expiresNanos) {}

    private record Accepted(Session session, byte[] nonce, Set<Nonce> joins, AtomicInteger paths) {}

    private record Nonce(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Nonce(byte[] other) && Arrays.equals(bytes, other);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    public SessionAcceptor(SessionPlugins plugins, SessionSettings settings, String peerKey, DirectOutbound destinations,
                           Relay relay, ScheduledExecutorService timers, SessionRegistry registry, int maxSessions,
                           String scheduler, String arq) {
        this.plugins = plugins;
        this.settings = settings;
        this.auth = plugins.peerAuthenticator(peerKey);
        this.destinations = destinations;
        this.relay = relay;
        this.timers = timers;
        this.registry = registry;
        this.maxSessions = maxSessions;
        this.scheduler = scheduler;
        this.arq = arq;
    }

    @Override
    public void serve(Socket socket, HandshakeTimer handshake) throws IOException {
        FrameReader reader = new FrameReader(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        String from = String.valueOf(socket.getRemoteSocketAddress());
        FrameCodec codec;
        switch (reader.preface()) {
            case Preface.Invalid invalid -> {
                log.debug("peer port: {} closed: {}", from, invalid.reason());
                return;
            }
            case Preface.Read(Preface p) when p.version() == Preface.VERSION && plugins.codecs().containsKey(p.framing()) -> {
                codec = plugins.codecs().get(p.framing());
                out.write(p.toBytes());
            }
            case Preface.Read(Preface p) -> {
                log.debug("peer port: {} asked for {}, which this node does not speak", from, p);
                out.write(new Preface(Preface.VERSION, "binary").toBytes());
                return;
            }
            case Preface.NeedMore n -> throw new IllegalStateException("preface() never returns NeedMore");
        }
        reader.use(codec.newDecoder());
        Frame first = reader.next();
        HandshakeTimer timer = handshake;
        while (first != null) {
            boolean reusable = switch (first) {
                case Frame.Open open -> open(socket, from, reader, codec, open, timer);
                case Frame.Join join -> join(socket, from, reader, codec, join, timer);
                default -> {
                    log.debug("peer port: {} closed: the first message was neither OPEN nor JOIN", from);
                    yield false;
                }
            };
            timer = () -> {};
            first = reusable ? nextSession(socket, reader, codec) : null;
        }
    }

    /**
     * Waits on a path whose session ended cleanly, answering PING, for the opener's next OPEN or
     * JOIN; null when it does not come within {@code keepPaths}, the path fails, or the node stops.
     */
    private Frame nextSession(Socket socket, FrameReader reader, FrameCodec codec) {
        long until = System.nanoTime() + settings.keepPaths().toNanos();
        parked.add(socket);
        try {
            while (!stopping) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left),
                        settings.pathTimeout().toMillis())));
                switch (reader.next()) {
                    case Frame.Ping(long token) -> Frames.writeWithin(socket, codec, new Frame.Pong(token), settings.pathTimeout());
                    case Frame.Open open -> {
                        return open;
                    }
                    case Frame.Join join -> {
                        return join;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        } catch (IOException e) {
            return null; // closed by the opener, silent past the path timeout, or closed by close()
        } finally {
            parked.remove(socket);
        }
    }

    /** Closes the paths waiting between sessions, and parks none from now on: the node is stopping. */
    public void closeParked() {
        stopping = true;
        parked.forEach(Quietly::close);
    }

    /** @return whether the path ended cleanly and may carry another session */
    private boolean open(Socket socket, String from, FrameReader reader, FrameCodec codec, Frame.Open open,
                         HandshakeTimer handshake) throws IOException {
        Frame.Open unsigned = new Frame.Open(open.mid(), open.destination(), open.time(), open.nonce(),
                new byte[Frame.PROOF_BYTES], open.window());
        boolean proofOk = auth.verify(Transcript.open(unsigned), open.proof());
        String problem = !proofOk ? "its proof does not verify with mpp.peerKey: the opener holds another key"
                : Math.abs(Instant.now().getEpochSecond() - open.time()) > CLOCK_SKEW_SECONDS
                ? "its clock is " + (open.time() - Instant.now().getEpochSecond()) + " s off ours (at most "
                + CLOCK_SKEW_SECONDS + " s allowed)"
                : !rememberOpenNonce(open.nonce()) ? "its nonce was used before (a replayed OPEN)"
                : accepted.containsKey(open.mid()) ? "its session ID is already in use" : null;
        if (problem != null) {
            log.warn("peer port: refused OPEN from {}: {}", from, problem);
            write(socket, codec, new Frame.OpenError(ErrorCode.AUTHENTICATION_FAILED, REFUSED));
            return false;
        }
        if (liveSessions.get() >= maxSessions) {
            log.warn("peer port: refused OPEN from {}: {} sessions already open (mpp.maxSessions)", from, maxSessions);
            write(socket, codec, new Frame.OpenError(ErrorCode.GENERAL, "too many sessions"));
            return false;
        }
        SocketChannel destination;
        try {
            destination = destinations.open((InetSocketAddress) socket.getRemoteSocketAddress(), open.destination());
        } catch (ConnectException e) {
            log.info("peer port: session for {} not opened: {}", open.destination(), e.getMessage());
            write(socket, codec, new Frame.OpenError(new ErrorCode(e.reason().socksReply()), e.getMessage()));
            return false;
        }
        byte[] nonce = new byte[Frame.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        long window = settings.bufferPackets();
        Frame.OpenOk unsignedOk = new Frame.OpenOk(nonce, new byte[Frame.PROOF_BYTES], window);
        Frame.OpenOk ok = new Frame.OpenOk(nonce, auth.prove(Transcript.openOk(open, unsignedOk)), window);
        String label = open.mid().toString().substring(0, 8) + " " + open.destination() + " from " + from;
        Session[] holder = new Session[1];
        Session session = new Session(open.mid(), label, settings, plugins.scheduler(scheduler), plugins.arq(arq),
                open.window(), timers, System::nanoTime, () -> forget(holder[0]));
        holder[0] = session;
        if (accepted.putIfAbsent(open.mid(), new Accepted(session, nonce, ConcurrentHashMap.newKeySet(), new AtomicInteger(1))) != null) {
            session.close();
            Quietly.close(destination);
            write(socket, codec, new Frame.OpenError(ErrorCode.AUTHENTICATION_FAILED, REFUSED));
            return false;
        }
        liveSessions.incrementAndGet();
        registry.add(session);
        try {
            write(socket, codec, ok);
        } catch (IOException e) {
            // The path is gone, e.g. closed by the handshake deadline while the destination was connecting:
            // no relay owns the destination yet, so it would stay open, and the session would wait for paths.
            session.close();
            Quietly.close(destination);
            throw e;
        }
        handshake.done();
        log.info("peer port: session {} open", label);
        // The path first, then the relay: a destination that resets at once must find a path to send RESET on.
        boolean[] relayed = {false};
        try {
            return carry(session, 0, "0 (" + from + ")", socket, codec, reader, () -> {
                relayed[0] = true;
                Thread.ofVirtual().name("mpp-session-" + label).start(() -> relayToDestination(destination, session));
            });
        } finally {
            if (!relayed[0]) { // the session ended before its first path was in service
                Quietly.close(destination);
                session.close();
            }
        }
    }

    private void relayToDestination(SocketChannel destination, Session session) {
        Socket socket = destination.socket();
        try {
            relay.relay(socket, session);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: relay ended: {}", session, e.getMessage());
        } finally {
            Quietly.close(socket);
        }
    }

    /** After the session ends its MID stays taken for 2 x the path timeout, so late frames find no session. */
    private void forget(Session session) {
        if (registry.get(session.mid()) == session) {
            liveSessions.decrementAndGet();
        }
        registry.remove(session);
        Runnable remove = () -> accepted.computeIfPresent(session.mid(), (mid, a) -> a.session() == session ? null : a);
        try {
            timers.schedule(remove, 2 * settings.pathTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) { // shutting down
            remove.run();
        }
    }

    /** @return whether the path ended cleanly and may carry another session */
    private boolean join(Socket socket, String from, FrameReader reader, FrameCodec codec, Frame.Join join,
                         HandshakeTimer handshake) throws IOException {
        Accepted entry = accepted.get(join.mid());
        if (entry != null && entry.session().state() != Session.State.ESTABLISHED) {
            entry = null; // ended: its MID only lingers so that late paths are refused
        }
        // The proof is computed even for an unknown session, so timing does not tell which sessions exist.
        byte[] sessionNonce = entry != null ? entry.nonce() : new byte[Frame.NONCE_BYTES];
        boolean proofOk = auth.verify(Transcript.join(join.mid(), sessionNonce, join.nonce()), join.proof());
        if (entry == null || !proofOk || entry.joins().size() >= MAX_JOINS_PER_SESSION
                || !entry.joins().add(new Nonce(join.nonce()))) {
            log.warn("peer port: refused JOIN from {}: {}", from, entry == null ? "no such session (ended, or never opened)"
                    : !proofOk ? "its proof does not verify with mpp.peerKey: the opener holds another key"
                    : "its nonce was used before in this session (a replayed JOIN)");
            write(socket, codec, new Frame.JoinError(ErrorCode.AUTHENTICATION_FAILED, REFUSED));
            return false;
        }
        Session session = entry.session();
        if (session.pathsUp() >= settings.maxPathsPerSession()) {
            write(socket, codec, new Frame.JoinError(ErrorCode.TOO_MANY_PATHS, "the session has its "
                    + settings.maxPathsPerSession() + " paths"));
            return false;
        }
        write(socket, codec, new Frame.JoinOk(auth.prove(Transcript.joinOk(join.mid(), sessionNonce, join.nonce()))));
        handshake.done();
        int index = entry.paths().getAndIncrement();
        return carry(session, index, index + " (" + from + ")", socket, codec, reader, () -> {});
    }

    /**
     * Puts an accepted path into service, runs {@code attached}, and reads the path until it ends.
     *
     * @return whether it ended cleanly and may carry another session
     */
    private boolean carry(Session session, int index, String name, Socket socket, FrameCodec codec, FrameReader reader,
                          Runnable attached) throws IOException {
        socket.setSoTimeout(0);
        PathLink link = session.newPath(index, name, 1, Options.empty("options"), socket, codec, reader);
        if (!session.attach(link)) {
            return false;
        }
        attached.run();
        link.readLoop();
        // Answers the opener's CLOSE either way (section 10); keeps the connection only if reuse is on.
        return !stopping && link.completeCloseExchange(Session.CLOSE_LINGER_NANOS) && !settings.keepPaths().isZero();
    }

    private boolean rememberOpenNonce(byte[] nonce) {
        long now = System.nanoTime();
        synchronized (openNonces) {
            while (!openNonceExpiry.isEmpty() && openNonceExpiry.peek().expiresNanos() - now < 0) {
                openNonces.remove(openNonceExpiry.poll().nonce());
            }
            Nonce n = new Nonce(nonce.clone());
            if (openNonces.size() >= MAX_REMEMBERED_NONCES || !openNonces.add(n)) {
                return false;
            }
            openNonceExpiry.add(new Remembered(n, now + TimeUnit.SECONDS.toNanos(2 * CLOCK_SKEW_SECONDS)));
            return true;
        }
    }

    private static void write(Socket socket, FrameCodec codec, Frame frame) throws IOException {
        socket.getOutputStream().write(Frames.encode(codec, frame));
    }
}

package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.HostPort;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.frame.Preface;
import dev.mpp.api.frame.Transcript;
import dev.mpp.api.spi.ArqStrategyProvider;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.FrameDecoder;
import dev.mpp.api.spi.PathConnectorProvider;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PeerAuthenticator;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.ResourceBaseline;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input on the peer port: node B closes every connection that is not a well-behaved path,
 * at once when the bytes say so and by its 1 s handshake deadline when they never come, refuses
 * OPEN and JOIN that it cannot verify, and lets go of a destination it connected too late for the
 * OPEN that asked for it. All the while a real session from node A over
 * three paths (two SOCKS5 relays and a direct one) trickles 16 MiB each way through B; the last
 * test finishes it and checks it byte for byte, then checks that the JVM is back at the threads
 * and file descriptors it had before the session and the bad input.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerPortBadInputTest {
    private static final long SEED = 0xbad_9ee2_2026L;
    private static final int DEADLINE_MILLIS = 1_000;
    /** Longer than any case's expected close. */
    private static final int CLOSE_WITHIN_MILLIS = 5_000;
    private static final int SIZE = 16 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    /** Between chunks of the real session until the bad input is over: 256 chunks take about 5 s. */
    private static final long CHUNK_PAUSE_MILLIS = 20;
    private static final String OTHER_KEY = "another-key-that-node-b-does-not-hold!!";
    private static final byte[] PREFACE = new Preface(Preface.VERSION, "binary").toBytes();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final List<RunningNode> relays = new ArrayList<>();
    private static MultipathFixture mpp;
    private static FrameCodec codec;
    private static PeerAuthenticator rightKey;
    private static PeerAuthenticator wrongKey;
    /** The destination of every OPEN that must be refused: it counts who reaches it. */
    private static TcpFixture untouched;
    private static final AtomicInteger untouchedReached = new AtomicInteger();
    private static ResourceBaseline baseline;

    // The real session.
    private static byte[] up;
    private static byte[] down;
    private static TcpFixture destination;
    private static Socket client;
    /** Completed by the last test (or at the end): the real session sends the rest at once and ends. */
    private static final CompletableFuture<Void> hurry = new CompletableFuture<>();
    private static CompletableFuture<Void> upSent;
    private static CompletableFuture<Void> downSent;
    private static final CompletableFuture<StreamDigest> upReceived = new CompletableFuture<>();
    private static CompletableFuture<StreamDigest> downReceived;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 2; i++) {
            relays.add(RunningNode.socks(""));
        }
        List<String> paths = new ArrayList<>(relays.stream().map(r -> "socks5://" + r.socksHostPort()).toList());
        paths.add(MultipathFixture.DIRECT);
        mpp = MultipathFixture.start(paths, "", ", \"handshakeTimeout\": \"" + DEADLINE_MILLIS + "ms\"");
        PluginRegistry registry = PluginRegistry.load(null);
        SessionPlugins plugins = new SessionPlugins(registry.providers(Spi.FRAMING, FrameCodecProvider.class),
                registry.providers(Spi.PATH_CONNECTOR, PathConnectorProvider.class),
                registry.providers(Spi.SCHEDULER, PathSchedulerProvider.class),
                registry.providers(Spi.ARQ, ArqStrategyProvider.class),
                registry.providers(Spi.PEER_AUTHENTICATOR, PeerAuthenticatorProvider.class), 64 * 1024);
        codec = plugins.codec("binary");
        rightKey = plugins.peerAuthenticator(MultipathFixture.KEY);
        wrongKey = plugins.peerAuthenticator(OTHER_KEY);
        untouched = TcpFixture.start(socket -> untouchedReached.incrementAndGet());
        up = RandomPayload.bytes(SIZE, SEED);
        down = RandomPayload.bytes(SIZE, SEED + 1);
        destination = TcpFixture.start(socket -> {
            try {
                downSent = trickle(socket, down);
                upReceived.complete(StreamDigest.of(socket.getInputStream()));
                downSent.join();
            } catch (IOException | RuntimeException e) {
                upReceived.completeExceptionally(e);
            }
        });
        warmUp();
        baseline = ResourceBaseline.measure();

        client = mpp.connect(destination.address());
        assertTrue(Await.until(() -> sessionOnA() != null && sessionOnA().pathsUp() == 3, 10_000), "three paths up");
        upSent = trickle(client, up);
        downReceived = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamDigest.of(client.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().name("test-reader").start(r));
    }

    /**
     * One short session over all three paths and one bad connection first, so that what the nodes
     * and the JDK start lazily (timer threads, pollers) is part of the baseline.
     */
    private static void warmUp() throws IOException {
        try (TcpFixture echo = TcpFixture.echo(); Socket socket = mpp.connect(echo.address())) {
            assertTrue(Await.until(() -> sessionOnA() != null && sessionOnA().pathsUp() == 3, 10_000), "three paths up");
            socket.getOutputStream().write(42);
            assertEquals(42, socket.getInputStream().read());
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read());
        }
        assertTrue(Await.until(() -> mpp.node.node().sessions().isEmpty() && mpp.peer.node().sessions().isEmpty(), 10_000),
                "the warm-up session ended");
        try (Socket raw = raw()) {
            raw.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            awaitClosed(raw, System.nanoTime());
        }
    }

    @AfterAll
    static void stop() throws IOException {
        hurry.complete(null);
        for (AutoCloseable c : new AutoCloseable[] {client, destination, untouched, mpp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        relays.forEach(RunningNode::close);
    }

    @Test
    void httpRequestInsteadOfAPrefaceIsClosedAtOnceWithoutAnswer() throws IOException {
        assertClosedAtOnceWithoutAnswer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void randomBytesInsteadOfAPrefaceAreClosedAtOnceWithoutAnswer() throws IOException {
        assertClosedAtOnceWithoutAnswer(RandomPayload.bytes(4096, SEED + 2));
    }

    @Test
    void aPrefaceLineTooLongIsClosedAtOnceWithoutAnswer() throws IOException {
        assertClosedAtOnceWithoutAnswer(("MPP/1 " + "x".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aDataHeaderWithAnAbsurdLengthIsClosedAtOnce() throws IOException {
        // 4 GiB announced: the decoder checks the length against the packet size before it reads or allocates.
        byte[] header = {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, PREFACE, header);
            Closed closed = awaitClosed(socket, start);
            assertArrayEquals(PREFACE, closed.received(), "B answers the preface, then nothing");
            closed.assertBeforeTheDeadline();
        }
    }

    @Test
    void aFirstFrameOtherThanOpenOrJoinIsClosedAtOnce() throws IOException {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, PREFACE, encode(new Frame.Ping(7)));
            Closed closed = awaitClosed(socket, start);
            assertArrayEquals(PREFACE, closed.received(), "B answers the preface, then nothing (no PONG)");
            closed.assertBeforeTheDeadline();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MPP/1 nosuch", "MPP/2 binary"})
    void aPrefaceForAFramingOrVersionBDoesNotSpeakIsAnsweredWithItsOwnThenClosed(String line) throws IOException {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, (line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            Closed closed = awaitClosed(socket, start);
            assertEquals("MPP/1 binary\r\n", new String(closed.received(), StandardCharsets.US_ASCII));
            closed.assertBeforeTheDeadline();
        }
    }

    @Test
    void aPrefaceAndThenSilenceIsClosedByTheHandshakeDeadline() throws IOException {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, PREFACE);
            Closed closed = awaitClosed(socket, start);
            assertArrayEquals(PREFACE, closed.received());
            closed.assertByTheDeadline();
        }
    }

    @Test
    void anOpenSentByteByByteIsClosedByTheDeadlineHoweverSlowlyItKeepsComing() throws Exception {
        byte[] open = encode(openTo(untouched.address(), rightKey));
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, PREFACE);
            CompletableFuture<Void> dribbling = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < open.length - 1; i++) { // never the whole frame
                        socket.getOutputStream().write(open[i]);
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException closedByB) {
                    // what this case waits for
                }
            }, r -> Thread.ofVirtual().name("test-dribbler").start(r));
            Closed closed = awaitClosed(socket, start);
            assertArrayEquals(PREFACE, closed.received());
            closed.assertByTheDeadline();
            socket.close();
            dribbling.get(CLOSE_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
        }
        assertEquals(0, untouchedReached.get(), "the destination of an OPEN never finished");
    }

    @Test
    void anOpenWhoseDestinationConnectsOnlyAfterTheHandshakeDeadlineLeavesNoConnectionOpen() throws IOException {
        // A destination whose accept queue is full: the kernel drops B's SYN, and B's connect only
        // succeeds on a retransmission after the queue was drained, when the deadline has closed the path.
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fillAcceptQueue(slow, queued);
            try (Socket socket = raw()) {
                long start = System.nanoTime();
                send(socket, PREFACE, encode(openTo((InetSocketAddress) slow.getLocalSocketAddress(), rightKey)));
                Closed closed = awaitClosed(socket, start);
                assertArrayEquals(PREFACE, closed.received(), "no OPEN-OK: the destination was not connected yet");
                closed.assertByTheDeadline();
            }
            List<Integer> ours = queued.stream().map(Socket::getLocalPort).toList();
            for (Socket s : queued) {
                s.close();
            }
            slow.setSoTimeout(CLOSE_WITHIN_MILLIS);
            List<Socket> accepted = new ArrayList<>();
            try {
                Socket fromB = null;
                while (fromB == null) { // the queued test clients first, then B's connection
                    Socket s = slow.accept();
                    accepted.add(s);
                    fromB = ours.contains(s.getPort()) ? null : s;
                }
                fromB.setSoTimeout(CLOSE_WITHIN_MILLIS);
                try {
                    assertEquals(-1, fromB.getInputStream().read(), "B sent bytes to the destination of a dead OPEN");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("B keeps the destination connection of an OPEN whose path is gone open");
                }
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
        assertTrue(Await.until(() -> mpp.peer.node().sessions().size() == 1, CLOSE_WITHIN_MILLIS),
                "B has only the real session: " + mpp.peer.node().sessions());
    }

    /** Connects to {@code server} (which never accepts) until its accept queue is full: a connect times out. */
    private static void fillAcceptQueue(ServerSocket server, List<Socket> queued) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 300);
                queued.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        throw new AssertionError("the accept queue of a backlog-1 listener did not fill with 16 connections");
    }

    @Test
    void fiveHundredIdleConnectionsAreAllClosedByTheHandshakeDeadline() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                sockets.add(raw());
            }
            long opened = System.nanoTime();
            for (Socket socket : sockets) {
                Closed closed = awaitClosed(socket, opened);
                assertEquals(0, closed.received().length, "B sends nothing to a client that sends nothing");
                assertTrue(closed.millis() <= DEADLINE_MILLIS + CLOSE_WITHIN_MILLIS, "closed after " + closed.millis() + " ms");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= DEADLINE_MILLIS - 100, "500 connections closed after " + millis + " ms, before the deadline");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertTrue(Await.until(() -> mpp.peer.openConnections() == 3, CLOSE_WITHIN_MILLIS),
                "B serves the real session's three paths and nothing else: " + mpp.peer.openConnections());
    }

    @Test
    void aJoinForAnUnknownSessionIsRefused() throws IOException {
        Mid mid = Mid.random();
        byte[] nonce = nonce();
        // Proved with the right key and the nonce B would have given: only the session is unknown.
        Frame join = new Frame.Join(mid, nonce, rightKey.prove(Transcript.join(mid, new byte[Frame.NONCE_BYTES], nonce)));
        assertRefused(join, Frame.JoinError.class);
    }

    @Test
    void aJoinToTheLiveSessionWithAWrongProofIsRefusedAndTheSessionGoesOn() throws IOException {
        Session live = sessionOnB();
        byte[] nonce = nonce();
        Frame join = new Frame.Join(live.mid(), nonce, wrongKey.prove(Transcript.join(live.mid(), new byte[Frame.NONCE_BYTES], nonce)));
        assertRefused(join, Frame.JoinError.class);
        assertEquals(3, live.pathsUp(), "the live session still has its three paths and no fourth");
        assertEquals(Session.State.ESTABLISHED, live.state());
    }

    @Test
    void anOpenWithAWrongKeyIsRefusedAndItsDestinationNeverReached() throws IOException {
        assertRefused(openTo(untouched.address(), wrongKey), Frame.OpenError.class);
        assertEquals(0, untouchedReached.get(), "B connected to the destination of a refused OPEN");
        assertEquals(1, mpp.peer.node().sessions().size(), "B has only the real session");
    }

    @Test
    void aNodeWhoseRouteHoldsAnotherKeyIsRefused() {
        try (RunningNode other = MultipathFixture.nodeTo(mpp.peer.peerHostPort(), OTHER_KEY, List.of(MultipathFixture.DIRECT),
                ", \"fallback\": \"refuse\"", "")) {
            IOException refused = assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket(other.proxy())) {
                    socket.connect(untouched.address(), CLOSE_WITHIN_MILLIS);
                }
            });
            assertTrue(String.valueOf(refused.getMessage()).contains("SOCKS"), "a SOCKS5 error reply: " + refused);
            assertTrue(other.node().sessions().isEmpty(), "the other node has no session");
        }
        assertEquals(0, untouchedReached.get(), "B connected to the destination of a refused OPEN");
        assertEquals(1, mpp.peer.node().sessions().size(), "B has only the real session");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void meanwhileTheRealSessionCarried16MiBEachWayIntactAndNothingIsLeftOver() throws Exception {
        hurry.complete(null);
        assertEquals(StreamDigest.of(down), downReceived.get(30, TimeUnit.SECONDS), "destination to client (seed " + SEED + ")");
        assertEquals(StreamDigest.of(up), upReceived.get(30, TimeUnit.SECONDS), "client to destination (seed " + SEED + ")");
        upSent.get(5, TimeUnit.SECONDS);
        downSent.get(5, TimeUnit.SECONDS);
        client.close();
        assertTrue(Await.until(() -> mpp.node.node().sessions().isEmpty() && mpp.peer.node().sessions().isEmpty(), 10_000),
                "the session ended on both nodes");
        SessionSummary session = mpp.lastOpened();
        assertEquals("done", session.endReason(), session.toString());
        for (PathStats path : session.paths()) {
            assertTrue(path.bytesSent() > 0 && path.bytesReceived() > 0, "every path carried data both ways: " + session);
        }
        List<RunningNode> nodes = new ArrayList<>(relays);
        nodes.add(mpp.node);
        nodes.add(mpp.peer);
        baseline.assertRestored(nodes.toArray(RunningNode[]::new));
    }

    // --- the real session

    /**
     * Writes {@code bytes} in chunks, pausing between them until {@link #hurry}, then half-closes.
     * The last chunk waits for {@link #hurry}, so the session lasts as long as the bad input does.
     */
    private static CompletableFuture<Void> trickle(Socket socket, byte[] bytes) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("test-trickle").start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int off = 0; off < bytes.length; off += CHUNK) {
                    if (off + CHUNK >= bytes.length) {
                        hurry.join();
                    } else if (!hurry.isDone()) {
                        Thread.sleep(CHUNK_PAUSE_MILLIS);
                    }
                    out.write(bytes, off, Math.min(CHUNK, bytes.length - off));
                }
                socket.shutdownOutput();
                sent.complete(null);
            } catch (IOException | InterruptedException | RuntimeException e) {
                sent.completeExceptionally(e);
            }
        });
        return sent;
    }

    private static Session sessionOnA() {
        List<Session> sessions = mpp.node.node().sessions();
        return sessions.isEmpty() ? null : sessions.getFirst();
    }

    private static Session sessionOnB() {
        List<Session> sessions = mpp.peer.node().sessions();
        assertEquals(1, sessions.size(), "B has the real session open");
        return sessions.getFirst();
    }

    // --- raw connections to B's peer port

    private static Socket raw() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(mpp.peer.node().peerAddress(), CLOSE_WITHIN_MILLIS);
            socket.setSoTimeout(CLOSE_WITHIN_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void send(Socket socket, byte[]... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
    }

    /** How B ended a connection: what it sent first, and when it closed, counted from {@code start}. */
    private record Closed(byte[] received, long millis) {
        void assertBeforeTheDeadline() {
            assertTrue(millis < DEADLINE_MILLIS, "closed after " + millis + " ms: by the " + DEADLINE_MILLIS
                    + " ms handshake deadline, not at once because of the input");
        }

        void assertByTheDeadline() {
            assertTrue(millis >= DEADLINE_MILLIS - 100 && millis <= DEADLINE_MILLIS + CLOSE_WITHIN_MILLIS,
                    "closed after " + millis + " ms (expected: by the " + DEADLINE_MILLIS + " ms handshake deadline)");
        }
    }

    /** Reads until B closes the connection (end of stream or a reset); fails if it is still open after 5 s. */
    private static Closed awaitClosed(Socket socket, long start) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("B kept the connection open for " + CLOSE_WITHIN_MILLIS + " ms; it had sent "
                    + received.size() + " bytes");
        } catch (SocketException reset) {
            // closed with our bytes unread: a reset, as good as an end of stream here
        }
        return new Closed(received.toByteArray(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void assertClosedAtOnceWithoutAnswer(byte[] garbage) throws IOException {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, garbage);
            Closed closed = awaitClosed(socket, start);
            assertEquals(0, closed.received().length, "B answers what is not a preface with nothing");
            closed.assertBeforeTheDeadline();
        }
    }

    /** Sends a preface and {@code frame}; B answers the preface, then an error frame of {@code type}, then closes. */
    private static void assertRefused(Frame frame, Class<? extends Frame> type) throws IOException {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            send(socket, PREFACE, encode(frame));
            Closed closed = awaitClosed(socket, start);
            ByteBuffer reply = ByteBuffer.wrap(closed.received());
            assertEquals(new Preface.Read(new Preface(Preface.VERSION, "binary")), Preface.read(reply), "B's preface");
            FrameDecoder decoder = codec.newDecoder();
            DecodeResult.Decoded decoded = assertInstanceOf(DecodeResult.Decoded.class, decoder.decode(reply), "B's answer");
            Frame answer = assertInstanceOf(type, decoded.frame());
            ErrorCode code = answer instanceof Frame.OpenError e ? e.code() : ((Frame.JoinError) answer).code();
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, code, answer.toString());
            assertEquals(0, reply.remaining(), "nothing after the error: " + Arrays.toString(closed.received()));
            closed.assertBeforeTheDeadline();
        }
    }

    // --- frames

    private static Frame.Open openTo(InetSocketAddress destination, PeerAuthenticator key) {
        Mid mid = Mid.random();
        byte[] nonce = nonce();
        HostPort to = new HostPort(destination.getAddress().getHostAddress(), destination.getPort());
        long now = Instant.now().getEpochSecond();
        Frame.Open unsigned = new Frame.Open(mid, to, now, nonce, new byte[Frame.PROOF_BYTES], 128);
        return new Frame.Open(mid, to, now, nonce, key.prove(Transcript.open(unsigned)), 128);
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[Frame.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] encode(Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(codec.maxEncodedSize(frame));
        codec.encode(frame, out);
        return Arrays.copyOf(out.array(), out.position());
    }
}

package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.NoLeaks;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input never crashes, hangs or leaks. After every case, the JDK's own SOCKS client is still
 * served by both nodes, and this JVM is back at the threads and file descriptors it had before.
 *
 * <p>Three nodes: a patient one (30 s handshake deadline), where a close within seconds can only
 * be the server reacting to the input; a strict one (1 s), for the cases about the deadline; and
 * a patient one that asks for a user name and password (RFC 1929), for bad credentials.
 */
@Timeout(60)
class BadInputTest {
    private static final long SEED = 0xbad_1e_2026L;
    private static final int DEADLINE_MILLIS = 1_000;
    /** Longer than any case's expected close, far shorter than the patient node's deadline. */
    private static final int CLOSE_WITHIN_MILLIS = 5_000;
    /** RFC 1929 user name and password, the method of the node {@link #withPassword}. */
    private static final int USER_PASS = 0x02;

    private static TcpFixture echo;
    private static RunningNode patient;
    private static RunningNode strict;
    private static RunningNode withPassword;

    /** Runs after {@link #realClientsAreStillServed}: their connections must be gone too. */
    @RegisterExtension
    final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[] {patient, strict, withPassword});

    @BeforeAll
    static void start() throws IOException {
        echo = TcpFixture.echo();
        patient = RunningNode.socks("\"handshakeTimeout\": \"30s\"");
        strict = RunningNode.socks("\"handshakeTimeout\": \"" + DEADLINE_MILLIS + "ms\", \"maxConnectionsPerClient\": 1000");
        withPassword = RunningNode.socksWithPassword("\"handshakeTimeout\": \"30s\"");
        // Serve once before any baseline, so what the JDK and the nodes start lazily is counted in it.
        assertJdkClientServed(patient, "warm-up");
        assertJdkClientServed(strict, "warm-up");
        assertServedWithPassword("warm-up");
    }

    @AfterAll
    static void stop() throws IOException {
        if (patient != null) {
            patient.close();
        }
        if (strict != null) {
            strict.close();
        }
        if (withPassword != null) {
            withPassword.close();
        }
        echo.close();
    }

    @AfterEach
    void realClientsAreStillServed(TestInfo test) throws IOException {
        assertJdkClientServed(patient, test.getDisplayName());
        assertJdkClientServed(strict, test.getDisplayName());
        assertServedWithPassword(test.getDisplayName());
    }

    @Test
    void wrongVersionByteIsClosedWithoutAReply() throws IOException {
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            // A SOCKS4 CONNECT to 127.0.0.1:80.
            wire.send(new byte[] {0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0});
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void httpRequestIsClosedWithoutAReply() throws IOException {
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.send("GET / HTTP/1.1\r\nHost: dest.test\r\nUser-Agent: test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void zeroMethodsGetNoAcceptableMethodsThenTheConnectionCloses() throws IOException {
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.send(0x05, 0x00);
            SocksWire.Ending ending = wire.readUntilClosed(CLOSE_WITHIN_MILLIS);
            assertArrayEquals(new byte[] {0x05, (byte) 0xFF}, ending.bytes());
            assertFalse(ending.reset(), "the server read the whole greeting, so it closes cleanly");
        }
    }

    @Test
    void truncatedRequestThenHalfCloseEndsTheConnectionWithoutAReply() throws IOException {
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.greetNoAuth();
            wire.send(0x05, 0x01, 0x00, 0x01, 127, 0); // 6 of a CONNECT's 10 bytes
            wire.socket().shutdownOutput();
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void truncatedRequestThenResetLeavesNothingBehind() throws IOException {
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.greetNoAuth();
            wire.send(0x05, 0x01, 0x00, 0x03, 0x09, 'd', 'e', 's'); // a name cut short
            wire.socket().setSoLinger(true, 0); // close with a reset, as a crashing client would
        }
        // NoLeaks: the server's side of it must be gone too.
    }

    @Test
    void truncatedRequestThenStallIsClosedAtTheHandshakeDeadline() throws IOException {
        long start = System.nanoTime();
        try (SocksWire wire = SocksWire.connect(strict.socksAddress())) {
            wire.greetNoAuth();
            wire.send(0x05, 0x01, 0x00, 0x01, 127, 0);
            SocksWire.Ending ending = wire.readUntilClosed(CLOSE_WITHIN_MILLIS);
            long elapsed = millisSince(start);
            assertEquals(0, ending.bytes().length);
            assertTrue(elapsed >= DEADLINE_MILLIS, "closed after " + elapsed + " ms, before the deadline");
        }
    }

    @Test
    void longestDomainNameGetsHostUnreachable() throws IOException {
        String name = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63));
        assertEquals(255, name.length());
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.greetNoAuth();
            SocksWire.Reply reply = wire.request(SocksWire.CONNECT, SocksWire.address(name, 80));
            assertEquals(0x04, reply.code(), "a name that does not resolve is reply 0x04");
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void domainNameOf255ArbitraryBytesGetsHostUnreachable() throws IOException {
        byte[] name = RandomPayload.bytes(255, SEED);
        try (SocksWire wire = SocksWire.connect(patient.socksAddress())) {
            wire.greetNoAuth();
            SocksWire.Reply reply = wire.request(SocksWire.CONNECT, SocksWire.domainAddress(name, 80));
            assertEquals(0x04, reply.code(), "seed " + SEED);
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void wrongPasswordSubnegotiationVersionIsClosedWithoutAReply() throws IOException {
        try (SocksWire wire = SocksWire.connect(withPassword.socksAddress())) {
            assertEquals(USER_PASS, wire.greet(USER_PASS));
            wire.send(0x05, 0x05, 'a', 'l', 'i', 'c', 'e', 0x06, 's', '3', 'c', 'r', 'e', 't');
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void longestUserNameAndPasswordAreRejectedLikeAnyWrongOnes() throws IOException {
        byte[] credentials = concat(new byte[] {0x01, (byte) 255}, RandomPayload.bytes(255, SEED),
                new byte[] {(byte) 255}, RandomPayload.bytes(255, SEED + 1));
        try (SocksWire wire = SocksWire.connect(withPassword.socksAddress())) {
            assertEquals(USER_PASS, wire.greet(USER_PASS));
            wire.send(credentials);
            SocksWire.Ending ending = wire.readUntilClosed(CLOSE_WITHIN_MILLIS);
            assertArrayEquals(new byte[] {0x01, 0x01}, ending.bytes(), "RFC 1929 failure, then close");
        }
    }

    @Test
    void credentialsCutShortThenHalfCloseEndTheConnectionWithoutAReply() throws IOException {
        try (SocksWire wire = SocksWire.connect(withPassword.socksAddress())) {
            assertEquals(USER_PASS, wire.greet(USER_PASS));
            wire.send(0x01, 0x05, 'a', 'l', 'i', 'c', 'e', 0x06, 's', '3');
            wire.socket().shutdownOutput();
            assertEquals(0, wire.readUntilClosed(CLOSE_WITHIN_MILLIS).bytes().length);
        }
    }

    @Test
    void handshakeSentOneByteAtATimeWithinTheDeadlineIsServed() throws Exception {
        byte[] handshake = concat(new byte[] {0x05, 0x01, 0x00},
                SocksWire.requestBytes(SocksWire.CONNECT, SocksWire.address("dest.test", echo.port())));
        try (SocksWire wire = SocksWire.connect(strict.socksAddress())) {
            long start = System.nanoTime();
            OutputStream out = wire.socket().getOutputStream();
            for (byte b : handshake) {
                out.write(b);
                out.flush();
                Thread.sleep(10);
            }
            long trickled = millisSince(start);
            assertTrue(trickled < DEADLINE_MILLIS, "the trickle took " + trickled + " ms, past the deadline: "
                    + "this machine is too slow for the test's premise");
            assertArrayEquals(new byte[] {0x05, 0x00}, wire.read(2));
            assertEquals(0x00, wire.readReply().code());
            Thread.sleep(DEADLINE_MILLIS); // past the handshake deadline: the relay must not be cut by it
            byte[] payload = RandomPayload.bytes(256 * 1024, SEED + 1);
            byte[] back = Streams.sendAndReceive(wire.socket(), payload);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(back), "seed " + (SEED + 1));
        }
    }

    @Test
    void handshakeTrickledSlowerThanTheDeadlineIsClosedAtTheDeadline() throws Exception {
        byte[] handshake = concat(new byte[] {0x05, 0x01, 0x00},
                SocksWire.requestBytes(SocksWire.CONNECT, SocksWire.address("x".repeat(200) + ".test", echo.port())));
        long start = System.nanoTime();
        SocksWire wire = SocksWire.connect(strict.socksAddress());
        AtomicInteger sent = new AtomicInteger();
        // One byte every 50 ms: the whole handshake would take about 10 s.
        Thread trickler = Thread.ofVirtual().name("test-trickler").start(() -> {
            try {
                OutputStream out = wire.socket().getOutputStream();
                for (byte b : handshake) {
                    out.write(b);
                    out.flush();
                    sent.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what the test waits for
            }
        });
        try {
            SocksWire.Ending ending = wire.readUntilClosed(CLOSE_WITHIN_MILLIS);
            long elapsed = millisSince(start);
            assertArrayEquals(new byte[] {0x05, 0x00}, ending.bytes(), "only the method selection was sent");
            assertTrue(elapsed >= DEADLINE_MILLIS, "closed after " + elapsed + " ms, before the deadline");
            assertTrue(sent.get() < handshake.length, "the client was still sending when the server closed");
        } finally {
            wire.close();
            trickler.join(SocksWire.TIMEOUT_MILLIS);
            assertFalse(trickler.isAlive(), "the trickling writer did not stop");
        }
    }

    @Test
    void fiveHundredIdleHalfOpenConnectionsAreClosedAtTheHandshakeDeadline() throws Exception {
        int count = 500;
        List<SocksWire> idle = new ArrayList<>(count);
        List<CompletableFuture<Long>> heldFor = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                SocksWire wire = SocksWire.connect(strict.socksAddress());
                idle.add(wire);
                switch (i % 3) {
                    case 0 -> { } // nothing at all
                    case 1 -> wire.send(0x05); // the version byte only
                    default -> wire.send(0x05, 0x02, 0x00); // two methods announced, one sent
                }
                heldFor.add(closedAfter(wire, start));
            }
            assertJdkClientServed(strict, "beside 500 idle connections");
            for (int i = 0; i < count; i++) {
                long millis = heldFor.get(i).get(DEADLINE_MILLIS + 2L * CLOSE_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
                assertTrue(millis >= DEADLINE_MILLIS, "connection " + i + " closed after " + millis + " ms, before the deadline");
            }
        } finally {
            for (SocksWire wire : idle) {
                wire.close();
            }
        }
    }

    /** Waits on a virtual thread for the server to close {@code wire} without a byte; completes with the time since {@code start}. */
    private static CompletableFuture<Long> closedAfter(SocksWire wire, long start) {
        CompletableFuture<Long> closed = new CompletableFuture<>();
        Thread.ofVirtual().name("test-idle-reader").start(() -> {
            try {
                assertEquals(0, wire.readUntilClosed(DEADLINE_MILLIS + CLOSE_WITHIN_MILLIS).bytes().length);
                closed.complete(millisSince(start));
            } catch (IOException | AssertionError e) {
                closed.completeExceptionally(e);
            }
        });
        return closed;
    }

    /** Fetches a seeded payload through {@code node} with the JDK's own SOCKS client and a name for the proxy to resolve. */
    static void assertJdkClientServed(RunningNode node, String when) throws IOException {
        byte[] payload = RandomPayload.bytes(64 * 1024, SEED);
        try (Socket socket = new Socket(node.proxy())) {
            socket.setSoTimeout(SocksWire.TIMEOUT_MILLIS);
            socket.connect(InetSocketAddress.createUnresolved("dest.test", echo.port()), SocksWire.TIMEOUT_MILLIS);
            byte[] back = Streams.sendAndReceive(socket, payload);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(back), "echo through the node " + when);
        }
    }

    /** The JDK's client cannot be given a password without a JVM-wide Authenticator: speak RFC 1929 directly. */
    private static void assertServedWithPassword(String when) throws IOException {
        byte[] payload = RandomPayload.bytes(64 * 1024, SEED);
        try (SocksWire wire = SocksWire.connect(withPassword.socksAddress())) {
            assertEquals(USER_PASS, wire.greet(USER_PASS));
            assertEquals(0x00, wire.authenticate("alice", "s3cret"), "alice's password " + when);
            assertEquals(0x00, wire.request(SocksWire.CONNECT, SocksWire.address("dest.test", echo.port())).code());
            byte[] back = Streams.sendAndReceive(wire.socket(), payload);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(back), "echo with a password " + when);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.KernelSockets;
import dev.mpp.runtime.testkit.NoLeaks;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BIND end to end (RFC 1928 section 4), with a raw SOCKS5 client. The node listens on 127.0.0.2,
 * so "the listener's interface" is an address no wildcard or default could produce by accident;
 * the application server the client expects connects from 127.0.0.1.
 */
@Timeout(60)
class BindTest {
    private static final long SEED = 0xb1d_2026L;
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress SECOND_LOOPBACK = InetAddress.ofLiteral("127.0.0.2");

    private static RunningNode node;
    @RegisterExtension
    final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[] {node});

    @BeforeAll
    static void start() throws IOException {
        node = RunningNode.start("{\"socks\": {\"listen\": \"127.0.0.2:0\"}}");
        // One whole BIND before any baseline, so what starts lazily is part of it.
        try (SocksWire control = SocksWire.connect(node.socksAddress())) {
            SocksWire.Reply first = bind(control, LOOPBACK);
            try (SocksWire incoming = SocksWire.connect(first.address(), LOOPBACK)) {
                assertEquals(incoming.socket().getLocalSocketAddress(), control.readReply().address());
            }
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void repliesWithTheListeningAddressThenTheConnectingPeerThenRelaysBothWaysWithHalfClose() throws IOException {
        byte[] toPeer = RandomPayload.bytes(1024 * 1024, SEED);
        byte[] toClient = RandomPayload.bytes(1024 * 1024 + 7, SEED + 1);
        try (SocksWire control = SocksWire.connect(node.socksAddress())) {
            SocksWire.Reply first = bind(control, LOOPBACK);
            assertEquals(0x00, first.code());
            assertEquals(0x01, first.atyp());
            assertEquals(node.socksAddress().getAddress(), first.address().getAddress(),
                    "the BIND listener is on the interface the client came in on");
            assertNotEquals(0, first.port());
            assertTrue(KernelSockets.tcpListening(first.address()), "nothing listens on the announced " + first.address());

            try (SocksWire incoming = SocksWire.connect(first.address(), LOOPBACK)) {
                SocksWire.Reply second = control.readReply();
                assertEquals(0x00, second.code());
                assertEquals(incoming.socket().getLocalSocketAddress(), second.address(), "the second reply names the peer");
                assertTrue(Await.until(() -> !KernelSockets.tcpListening(first.address()), SocksWire.TIMEOUT_MILLIS),
                        "the BIND listener outlived its one connection");

                // Client to peer, then the client half-closes: the peer sees the end of the stream...
                CompletableFuture<Void> sent = Streams.sendAndHalfClose(control.socket(), toPeer);
                byte[] atPeer = incoming.socket().getInputStream().readAllBytes();
                Streams.await(sent);
                assertEquals(StreamDigest.of(toPeer), StreamDigest.of(atPeer), "seed " + SEED);

                // ...and can still answer: the other direction flows until the peer half-closes too.
                sent = Streams.sendAndHalfClose(incoming.socket(), toClient);
                byte[] atClient = control.socket().getInputStream().readAllBytes();
                Streams.await(sent);
                assertEquals(StreamDigest.of(toClient), StreamDigest.of(atClient), "seed " + (SEED + 1));
            }
        }
    }

    @Test
    void listenerClosesWhenTheControlConnectionClosesBeforeAnyoneConnects() throws IOException {
        InetSocketAddress announced;
        try (SocksWire control = SocksWire.connect(node.socksAddress())) {
            announced = bind(control, LOOPBACK).address();
            assertTrue(KernelSockets.tcpListening(announced), "nothing listens on the announced " + announced);
        }
        assertTrue(Await.until(() -> node.openConnections() == 0, SocksWire.TIMEOUT_MILLIS),
                "the server still serves the closed control connection");
        try (Socket late = new Socket()) {
            assertThrows(ConnectException.class, () -> late.connect(announced, SocksWire.TIMEOUT_MILLIS),
                    "the BIND listener outlived its control connection");
        }
    }

    @Test
    void connectionFromAnUnexpectedAddressIsRefusedWithNotAllowed() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress())) {
            SocksWire.Reply first = bind(control, LOOPBACK);
            try (SocksWire stranger = SocksWire.connect(first.address(), SECOND_LOOPBACK)) {
                SocksWire.Reply second = control.readReply();
                assertEquals(0x02, second.code(), "a connection from 127.0.0.2 when 127.0.0.1 was expected");
                assertEquals(stranger.socket().getLocalSocketAddress(), second.address());
                assertEquals(0, stranger.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length, "the stranger got bytes");
                assertEquals(0, control.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length);
            }
        }
    }

    @Test
    void bindWaitEndsWithTtlExpiredAfterTheBindTimeout() throws IOException {
        try (RunningNode impatient = RunningNode.start(
                "{\"socks\": {\"listen\": \"127.0.0.2:0\", \"options\": {\"bindTimeoutSeconds\": 1}}}");
             SocksWire control = SocksWire.connect(impatient.socksAddress())) {
            long start = System.nanoTime(); // before the request, so before the server starts its clock
            InetSocketAddress announced = bind(control, LOOPBACK).address();
            assertEquals(0x06, control.readReply().code());
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 1_000, "the wait ended after " + waited + " ms, before the bind timeout");
            assertEquals(0, control.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length);
            try (Socket late = new Socket()) {
                assertThrows(ConnectException.class, () -> late.connect(announced, SocksWire.TIMEOUT_MILLIS),
                        "the BIND listener outlived the wait");
            }
        }
    }

    /**
     * The peer connects just as the client hangs up: whichever the server notices first, the
     * accepted connection must be closed, never left open. Repeated, because it is a race.
     */
    @Test
    void connectionArrivingAsTheClientGivesUpIsClosedNotLeaked() throws IOException {
        for (int round = 0; round < 20; round++) {
            SocksWire incoming;
            try (SocksWire control = SocksWire.connect(node.socksAddress())) {
                SocksWire.Reply first = bind(control, LOOPBACK);
                incoming = SocksWire.connect(first.address(), LOOPBACK);
            }
            try (incoming) {
                incoming.readUntilClosed(SocksWire.TIMEOUT_MILLIS);
            }
        }
    }

    private static SocksWire.Reply bind(SocksWire control, InetAddress expectedPeer) throws IOException {
        control.greetNoAuth();
        return control.request(SocksWire.BIND, SocksWire.address(new InetSocketAddress(expectedPeer, 0)));
    }
}

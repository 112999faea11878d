package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.NoLeaks;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener's limits: connections past {@code maxConnections} or {@code maxConnectionsPerClient}
 * are closed at accept, without a byte and long before the (10 s) handshake deadline, while the
 * connections already served keep working; {@code idleTimeout} closes a relayed connection idle
 * both ways, and only an idle one.
 */
@Timeout(60)
class LimitsTest {
    private static final long SEED = 0x11_2026L;
    private static final InetAddress SECOND_LOOPBACK = InetAddress.ofLiteral("127.0.0.2");
    private static final int IDLE_MILLIS = 500;

    private static TcpFixture echo;

    @RegisterExtension
    final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[0]); // each test closes its own node

    @BeforeAll
    static void start() throws IOException {
        echo = TcpFixture.echo();
        try (RunningNode node = RunningNode.socks(""); SocksWire warmUp = relayed(node, null)) {
            assertEchoes(warmUp, 1);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
    }

    @Test
    void maxConnectionsClosesTheExcessAtAcceptAndTheEarlierConnectionsKeepWorking() throws IOException {
        List<SocksWire> served = new ArrayList<>();
        try (RunningNode node = RunningNode.socks("\"maxConnections\": 3")) {
            for (int i = 0; i < 3; i++) {
                served.add(relayed(node, null));
                assertEchoes(served.get(i), i);
            }
            assertRefusedAtAccept(node, null);
            for (int i = 0; i < 3; i++) {
                assertEchoes(served.get(i), 10 + i);
            }
            // A connection that ends gives its place back.
            served.removeFirst().close();
            Await.until(() -> node.openConnections() == 2, SocksWire.TIMEOUT_MILLIS);
            assertEquals(2, node.openConnections(), "connections open");
            served.add(relayed(node, null));
            assertEchoes(served.getLast(), 20);
            assertRefusedAtAccept(node, null);
        } finally {
            closeAll(served);
        }
    }

    @Test
    void maxConnectionsPerClientClosesTheExcessFromThatAddressOnly() throws IOException {
        List<SocksWire> served = new ArrayList<>();
        try (RunningNode node = RunningNode.socks("\"maxConnectionsPerClient\": 2")) {
            served.add(relayed(node, null));
            served.add(relayed(node, null));
            assertRefusedAtAccept(node, null);
            served.add(relayed(node, SECOND_LOOPBACK)); // another client address has its own count
            assertRefusedAtAccept(node, null);
            for (int i = 0; i < served.size(); i++) {
                assertEchoes(served.get(i), i);
            }
        } finally {
            closeAll(served);
        }
    }

    @Test
    void idleTimeoutClosesARelayedConnectionIdleBothWays() throws IOException {
        try (RunningNode node = RunningNode.socks("\"idleTimeout\": \"" + IDLE_MILLIS + "ms\"");
             SocksWire wire = relayed(node, null)) {
            long lastSent = System.nanoTime();
            assertEchoes(wire, 1);
            SocksWire.Ending ending = wire.readUntilClosed(SocksWire.TIMEOUT_MILLIS);
            long idle = (System.nanoTime() - lastSent) / 1_000_000;
            assertEquals(0, ending.bytes().length);
            assertTrue(idle >= IDLE_MILLIS, "closed after " + idle + " ms idle, before the idle timeout");
        }
    }

    @Test
    void trafficKeepsARelayedConnectionOpenPastTheIdleTimeout() throws Exception {
        try (RunningNode node = RunningNode.socks("\"idleTimeout\": \"" + IDLE_MILLIS + "ms\"");
             SocksWire wire = relayed(node, null)) {
            long start = System.nanoTime();
            // A byte each way every 100 ms for three idle timeouts: never idle, so never closed.
            for (int i = 0; (System.nanoTime() - start) / 1_000_000 < 3L * IDLE_MILLIS; i++) {
                wire.send(i);
                assertEquals(i & 0xFF, wire.read(1)[0] & 0xFF, "byte " + i + " echoed");
                Thread.sleep(IDLE_MILLIS / 5);
            }
            assertEquals(0, wire.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length, "once idle, it is closed");
        }
    }

    /** A connection through {@code node} to the echo server, from {@code source} (null: the default). */
    private static SocksWire relayed(RunningNode node, InetAddress source) throws IOException {
        SocksWire wire = SocksWire.connect(node.socksAddress(), source);
        try {
            wire.greetNoAuth();
            SocksWire.Reply reply = wire.request(SocksWire.CONNECT, SocksWire.address("dest.test", echo.port()));
            assertEquals(0x00, reply.code(), "CONNECT reply");
            return wire;
        } catch (IOException | RuntimeException | AssertionError e) {
            wire.close();
            throw e;
        }
    }

    /** A connection past a limit: closed without a single byte, even the method selection. */
    private static void assertRefusedAtAccept(RunningNode node, InetAddress source) throws IOException {
        try (SocksWire excess = SocksWire.connect(node.socksAddress(), source)) {
            excess.send(0x05, 0x01, 0x00);
            assertEquals(0, excess.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                    "a connection past the limit got an answer");
        }
    }

    private static void assertEchoes(SocksWire wire, int seed) throws IOException {
        byte[] payload = RandomPayload.bytes(4096, SEED + seed);
        wire.send(payload);
        assertArrayEquals(payload, wire.read(payload.length), "seed " + (SEED + seed));
    }

    private static void closeAll(List<SocksWire> wires) throws IOException {
        for (SocksWire wire : wires) {
            wire.close();
        }
    }
}

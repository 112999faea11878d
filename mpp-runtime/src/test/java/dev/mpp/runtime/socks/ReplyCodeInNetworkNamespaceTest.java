package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Command;
import dev.mpp.runtime.testkit.MppProcess;
import dev.mpp.runtime.testkit.NetNamespace;
import dev.mpp.runtime.testkit.SocksWire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reply codes that need real routing failures. {@code mpp run} runs inside a network
 * namespace of this test's own, whose routing table is made for the occasion; the probe reaches
 * it through {@code ncat} started in the same namespace. Nothing is ever sent off the machine:
 * the only interfaces are {@code lo} and a veth pair with both ends inside the namespace.
 *
 * <ul>
 *   <li>203.0.113.0/24: no route at all, so connect fails with ENETUNREACH.
 *   <li>198.51.100.0/24: an {@code unreachable} route, EHOSTUNREACH.
 *   <li>192.0.2.2: on the veth's subnet, with a permanent neighbour entry for a MAC nobody has:
 *       the SYN leaves into the veth, the peer end drops it, and connect times out.
 *   <li>198.18.0.0/15: a {@code blackhole} route, EINVAL: a failure with no code of its own.
 * </ul>
 */
class ReplyCodeInNetworkNamespaceTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    private static NetNamespace namespace;
    private static MppProcess mpp;

    @BeforeAll
    static void start() {
        Command.require("ncat", "ncat");
        namespace = NetNamespace.create();
        namespace.ip("route", "add", "unreachable", "198.51.100.0/24");
        namespace.ip("route", "add", "blackhole", "198.18.0.0/15");
        namespace.ip("link", "add", "mpp-a", "type", "veth", "peer", "name", "mpp-b");
        namespace.ip("address", "add", "192.0.2.1/24", "dev", "mpp-a");
        namespace.ip("link", "set", "mpp-a", "up");
        namespace.ip("link", "set", "mpp-b", "up");
        namespace.ip("neigh", "add", "192.0.2.2", "lladdr", "02:00:00:00:00:02", "dev", "mpp-a", "nud", "permanent");
        // handshakeTimeout equals connectTimeout, as in the defaults (10 s each): the handshake
        // deadline must not cut off the 0x06 reply to a connect that timed out.
        mpp = MppProcess.start("""
                {"socks": {"listen": "127.0.0.1:0", "connectTimeout": "%1$ds", "handshakeTimeout": "%1$ds", "shutdownGrace": "1s"}}
                """.formatted(CONNECT_TIMEOUT.toSeconds()), dir, namespace::inside);
    }

    @AfterAll
    static void stop() {
        try {
            if (mpp != null) {
                mpp.close();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @Test
    void networkUnreachableRepliesThree() throws IOException {
        assertReply(0x03, "203.0.113.1");
    }

    @Test
    void hostUnreachableRepliesFour() throws IOException {
        assertReply(0x04, "198.51.100.1");
    }

    @Test
    void connectTimeoutRepliesSix() throws IOException {
        long start = System.nanoTime();
        assertReply(0x06, "192.0.2.2");
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= CONNECT_TIMEOUT.toMillis() - 100,
                "0x06 after " + waited + " ms: the server did not wait for its connect timeout");
    }

    @Test
    void failureWithoutACodeOfItsOwnRepliesOne() throws IOException {
        assertReply(0x01, "198.18.0.1");
    }

    @Test
    void connectionRefusedInsideTheNamespaceRepliesFive() throws IOException {
        // The namespace is fresh: nothing listens on port 1. Shows the probe's path works for the others.
        assertReply(0x05, "127.0.0.1", 1);
    }

    private static void assertReply(int code, String host) throws IOException {
        assertReply(code, host, 80);
    }

    private static void assertReply(int code, String host, int port) throws IOException {
        Process ncat = namespace.start(List.of("ncat", "127.0.0.1", String.valueOf(mpp.socksPort())));
        try (SocksWire probe = SocksWire.over(ncat)) {
            probe.greetNoAuth();
            ReplyCodeTest.assertFailureReply(code, probe.request(SocksWire.CONNECT, SocksWire.address(host, port)));
            assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                    "the connection must close after a failure reply");
        } catch (AssertionError e) {
            e.addSuppressed(new AssertionError("mpp run output:\n" + mpp.output()));
            throw e;
        }
    }
}

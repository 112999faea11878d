package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the client sees when the peer cannot or will not carry its connection: the SOCKS5 reply
 * says what really happened at the peer, and the route's {@code fallback} decides between a
 * direct connection and the error.
 */
class PeerOutcomeTest {
    private static final String REFUSE = ", \"fallback\": \"refuse\"";

    @Test
    void aDestinationThatRefusesAtThePeerRepliesFive() throws IOException {
        try (MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT), REFUSE, "")) {
            assertEquals(0x05, replyCode(mpp.node, TcpFixture.closedPort("127.0.0.1")));
        }
    }

    @Test
    void aDestinationThePeersRulesDenyRepliesTwo() throws IOException {
        String denyAll = ", \"rules\": [{\"action\": \"deny\"}]";
        try (MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT), REFUSE, denyAll);
             TcpFixture echo = TcpFixture.echo()) {
            assertEquals(0x02, replyCode(mpp.node, echo.port()));
        }
    }

    @Test
    void aReachableDestinationRepliesZeroAndCarriesData() throws IOException {
        try (MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT), REFUSE, "");
             TcpFixture echo = TcpFixture.echo();
             Socket client = mpp.connect(echo.address())) {
            byte[] payload = RandomPayload.bytes(100_000, 3);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(Streams.sendAndReceive(client, payload)));
        }
    }

    @Test
    void aPeerThatIsDownFallsBackToADirectConnection() throws IOException {
        int down = TcpFixture.closedPort("127.0.0.1");
        try (RunningNode node = MultipathFixture.nodeTo("127.0.0.1:" + down, MultipathFixture.KEY,
                List.of(MultipathFixture.DIRECT), "", "")) {
            assertDirectFallbackWorks(node);
        }
    }

    @Test
    void aPeerThatIsDownWithFallbackRefuseGivesASocksErrorWithinTheConnectTimeout() throws IOException {
        int down = TcpFixture.closedPort("127.0.0.1");
        try (RunningNode node = MultipathFixture.nodeTo("127.0.0.1:" + down, MultipathFixture.KEY,
                List.of(MultipathFixture.DIRECT, MultipathFixture.DIRECT), REFUSE, "");
             TcpFixture echo = TcpFixture.echo()) {
            long start = System.nanoTime();
            assertEquals(0x01, replyCode(node, echo.port()));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "within connectTimeout (5 s)");
        }
    }

    /** A plain TCP server (an echo: it even answers our own preface back) and a SOCKS5 server do not speak MPP. */
    @Test
    void aPeerPortThatDoesNotSpeakMppFallsBackOrRefuses() throws IOException {
        try (TcpFixture echoAsPeer = TcpFixture.echo(); RunningNode socksAsPeer = RunningNode.socks("")) {
            for (String peer : List.of("127.0.0.1:" + echoAsPeer.port(), socksAsPeer.socksHostPort())) {
                try (RunningNode node = MultipathFixture.nodeTo(peer, MultipathFixture.KEY, List.of(MultipathFixture.DIRECT),
                        "", "")) {
                    assertDirectFallbackWorks(node);
                }
                try (RunningNode node = MultipathFixture.nodeTo(peer, MultipathFixture.KEY, List.of(MultipathFixture.DIRECT),
                        REFUSE, "");
                     TcpFixture echo = TcpFixture.echo()) {
                    long start = System.nanoTime();
                    assertEquals(0x01, replyCode(node, echo.port()), peer);
                    assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "within connectTimeout (5 s)");
                }
            }
        }
    }

    @Test
    void aPeerWithAnotherKeyIsRefusedAndTheLogSaysWhy() throws IOException {
        String otherKey = "another-key-also-at-least-32-characters";
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT), REFUSE, "");
             RunningNode stranger = MultipathFixture.nodeTo(mpp.peer.peerHostPort(), otherKey,
                     List.of(MultipathFixture.DIRECT), REFUSE, "");
             TcpFixture echo = TcpFixture.echo()) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                assertEquals(0x01, replyCode(stranger, echo.port()));
            } finally {
                System.setErr(stderr);
            }
            assertEquals(0x00, replyCode(mpp.node, echo.port()), "the peer still serves those with the key");
        }
        String text = log.toString(StandardCharsets.UTF_8);
        stderr.print(text);
        assertTrue(text.contains("refused OPEN from") && text.contains("the opener holds another key"), text);
        assertTrue(text.contains("peer refused the session: authentication failed: the peer's key differs"), text);
    }

    private static void assertDirectFallbackWorks(RunningNode node) throws IOException {
        try (TcpFixture echo = TcpFixture.echo();
             Socket client = new Socket(node.proxy())) {
            client.connect(echo.address(), 10_000);
            byte[] payload = RandomPayload.bytes(100_000, 4);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(Streams.sendAndReceive(client, payload)));
        }
        assertTrue(node.node().endedSessions().isEmpty() && node.node().sessions().isEmpty(), "no session was opened");
    }

    private static int replyCode(RunningNode node, int port) throws IOException {
        try (SocksWire probe = SocksWire.connect(node.socksAddress())) {
            probe.greetNoAuth();
            return probe.request(SocksWire.CONNECT, SocksWire.address("127.0.0.1", port)).code();
        }
    }
}

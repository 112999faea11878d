package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each SOCKS5 reply code that can be caused on loopback, caused for real and read byte for byte
 * from the reply. Network and host unreachable and the connect timeout need routes of their own:
 * {@link ReplyCodeInNetworkNamespaceTest}.
 */
class ReplyCodeTest {
    private static RunningNode node;
    private static TcpFixture echo;

    @BeforeAll
    static void start() throws IOException {
        node = RunningNode.socks("\"connectTimeout\": \"2s\"");
        echo = TcpFixture.echo();
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        node.close();
    }

    @Test
    void reachableDestinationRepliesZeroWithTheBoundAddress() throws IOException {
        try (SocksWire probe = SocksWire.connect(node.socksAddress())) {
            probe.greetNoAuth();
            SocksWire.Reply reply = probe.request(SocksWire.CONNECT, SocksWire.address("127.0.0.1", echo.port()));
            assertEquals(0x00, reply.code(), reply::toString);
            assertEquals(SocksWire.IPV4, reply.atyp(), reply::toString);
            assertTrue(reply.address().getAddress().isLoopbackAddress(), reply::toString);
            assertTrue(reply.port() > 0, reply::toString);
            probe.send(new byte[] {'p', 'i', 'n', 'g'});
            assertEquals("ping", new String(probe.read(4)));
        }
    }

    @Test
    void connectionRefusedRepliesFive() throws IOException {
        assertFailure(0x05, SocksWire.address("127.0.0.1", TcpFixture.closedPort("127.0.0.1")));
    }

    @Test
    void connectionRefusedOnIpv6RepliesFive() throws IOException {
        assertFailure(0x05, SocksWire.address("::1", TcpFixture.closedPort("::1")));
    }

    @Test
    void unresolvableNameRepliesFour() throws IOException {
        // Tests resolve names from src/test/resources/hosts only: this name is in no file and asks no DNS server.
        assertFailure(0x04, SocksWire.address("no-such-host.invalid", echo.port()));
    }

    @Test
    void destinationDeniedByAnAccessRuleRepliesTwo() throws IOException {
        // 127.0.0.2 is loopback too, with nothing listening: without the rule this would be 0x05.
        String rules = "\"rules\": [{\"action\": \"deny\", \"to\": [\"127.0.0.2/32\"]}, {\"action\": \"allow\"}]";
        try (RunningNode ruled = RunningNode.socks(rules)) {
            assertFailure(ruled, 0x02, SocksWire.address("127.0.0.2", TcpFixture.closedPort("127.0.0.2")));
            // the rule is about that destination only: another loopback address is served
            try (SocksWire probe = SocksWire.connect(ruled.socksAddress())) {
                probe.greetNoAuth();
                assertEquals(0x00, probe.request(SocksWire.CONNECT, SocksWire.address("127.0.0.1", echo.port())).code());
            }
        }
    }

    @Test
    void nameResolvingToADeniedAddressRepliesTwo() throws IOException {
        // dest.test resolves (hosts file) to 127.0.0.1; the rule applies to what the name resolves to.
        String rules = "\"rules\": [{\"action\": \"deny\", \"to\": [\"127.0.0.0/8\"]}, {\"action\": \"allow\"}]";
        try (RunningNode ruled = RunningNode.socks(rules)) {
            assertFailure(ruled, 0x02, SocksWire.address("dest.test", echo.port()));
            assertFailure(ruled, 0x02, SocksWire.address("127.0.0.1", echo.port()));
        }
    }

    @Test
    void unknownCommandRepliesSeven() throws IOException {
        try (SocksWire probe = SocksWire.connect(node.socksAddress())) {
            probe.greetNoAuth();
            SocksWire.Reply reply = probe.request(0x09, SocksWire.address("127.0.0.1", echo.port()));
            assertFailureReply(0x07, reply);
            assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                    "the connection must close after a failure reply");
        }
    }

    @Test
    void unknownAddressTypeRepliesEight() throws IOException {
        // ATYP 0x02 is not defined; the rest of the request cannot even be parsed.
        assertFailure(0x08, new byte[] {0x02, 127, 0, 0, 1, 0, 80});
    }

    @Test
    void emptyDomainNameRepliesOne() throws IOException {
        // A zero-length name is well-formed on the wire but names nothing: a general failure.
        assertFailure(0x01, new byte[] {SocksWire.DOMAIN, 0, 0, 80});
    }

    private static void assertFailure(int code, byte[] addressAndPort) throws IOException {
        assertFailure(node, code, addressAndPort);
    }

    private static void assertFailure(RunningNode at, int code, byte[] addressAndPort) throws IOException {
        try (SocksWire probe = SocksWire.connect(at.socksAddress())) {
            probe.greetNoAuth();
            assertFailureReply(code, probe.request(SocksWire.CONNECT, addressAndPort));
            assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                    "the connection must close after a failure reply");
        }
    }

    /**
     * The whole reply is well-formed, not only its REP byte: VER 5 and RSV 0 ({@link SocksWire#readReply}
     * fails on anything else), and an IP address.
     */
    static void assertFailureReply(int code, SocksWire.Reply reply) {
        assertEquals(code, reply.code(), () -> "expected REP 0x%02x, got %s".formatted(code, reply));
        assertTrue(reply.atyp() == SocksWire.IPV4 || reply.atyp() == SocksWire.IPV6, reply::toString);
    }
}

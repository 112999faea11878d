package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 1928 section 3 and RFC 1929: the server selects one of the methods the client offered, or
 * answers 0xFF and closes; a failed sub-negotiation closes the connection.
 */
class MethodNegotiationTest {
    private static final int NO_AUTH = 0x00;
    private static final int GSSAPI = 0x01;
    private static final int USER_PASS = 0x02;
    private static final int NO_ACCEPTABLE = 0xFF;

    private static RunningNode open;
    private static RunningNode withPassword;
    private static TcpFixture echo;

    @BeforeAll
    static void start() throws IOException {
        open = RunningNode.socks("");
        withPassword = RunningNode.socksWithPassword("");
        echo = TcpFixture.echo();
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        open.close();
        withPassword.close();
    }

    @Test
    void passwordServerAnswersFFToAClientOfferingOnlyNoAuthentication() throws IOException {
        assertRefused(withPassword, NO_AUTH);
    }

    @Test
    void openServerAnswersFFToAClientOfferingOnlyUsernamePassword() throws IOException {
        assertRefused(open, USER_PASS);
    }

    @Test
    void clientOfferingOnlyMethodsNobodyHasGetsFF() throws IOException {
        assertRefused(open, GSSAPI, 0x03, 0x7F, 0x80, 0xFE);
        assertRefused(withPassword, GSSAPI, 0x03, 0x7F, 0x80, 0xFE);
    }

    @Test
    void serverSelectsItsMethodWhereverTheClientListsIt() throws IOException {
        byte[] echoAddress = SocksWire.address("127.0.0.1", echo.port());
        try (SocksWire probe = SocksWire.connect(open.socksAddress())) {
            assertEquals(NO_AUTH, probe.greet(GSSAPI, USER_PASS, 0x80, NO_AUTH));
            assertEquals(0x00, probe.request(SocksWire.CONNECT, echoAddress).code());
        }
        try (SocksWire probe = SocksWire.connect(withPassword.socksAddress())) {
            assertEquals(USER_PASS, probe.greet(NO_AUTH, GSSAPI, USER_PASS, 0xFE));
            assertEquals(0x00, probe.authenticate("alice", "s3cret"));
            assertEquals(0x00, probe.request(SocksWire.CONNECT, echoAddress).code());
            probe.send("hello".getBytes());
            assertEquals("hello", new String(probe.read(5)));
        }
    }

    @Test
    void serverNeverSelectsAMethodTheClientDidNotOffer() throws IOException {
        int[] candidates = {NO_AUTH, GSSAPI, USER_PASS, 0x03};
        for (int subset = 0; subset < 1 << candidates.length; subset++) {
            int bits = subset;
            int[] offered = IntStream.range(0, candidates.length).filter(i -> (bits & 1 << i) != 0)
                    .map(i -> candidates[i]).toArray();
            assertSelection(open, NO_AUTH, offered);
            assertSelection(withPassword, USER_PASS, offered);
        }
    }

    @Test
    void wrongPasswordGetsAFailureStatusAndTheConnectionCloses() throws IOException {
        for (String[] credentials : new String[][] {{"alice", "wrong"}, {"mallory", "s3cret"}, {"", ""}}) {
            try (SocksWire probe = SocksWire.connect(withPassword.socksAddress())) {
                assertEquals(USER_PASS, probe.greet(USER_PASS));
                assertNotEquals(0x00, probe.authenticate(credentials[0], credentials[1]),
                        () -> "accepted " + Arrays.toString(credentials));
                assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                        "RFC 1929: after a failure status the server must close");
            }
        }
    }

    /** Offers {@code offered}; the server's method if it is among them, otherwise 0xFF and a close. */
    private static void assertSelection(RunningNode node, int serverMethod, int[] offered) throws IOException {
        boolean offers = IntStream.of(offered).anyMatch(m -> m == serverMethod);
        try (SocksWire probe = SocksWire.connect(node.socksAddress())) {
            int selected = probe.greet(offered);
            assertEquals(offers ? serverMethod : NO_ACCEPTABLE, selected,
                    () -> "offered " + Arrays.toString(offered) + ", server has 0x0" + serverMethod);
            if (!offers) {
                assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                        "after 0xFF the server must close the connection");
            }
        }
    }

    private static void assertRefused(RunningNode node, int... offered) throws IOException {
        try (SocksWire probe = SocksWire.connect(node.socksAddress())) {
            assertEquals(NO_ACCEPTABLE, probe.greet(offered), () -> "offered " + Arrays.toString(offered));
            assertEquals(0, probe.readUntilClosed(SocksWire.TIMEOUT_MILLIS).bytes().length,
                    "after 0xFF the server must close the connection");
        }
    }
}

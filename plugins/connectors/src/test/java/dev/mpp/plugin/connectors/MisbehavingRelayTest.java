package dev.mpp.plugin.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import dev.mpp.api.spi.PathConnector;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a relay can fail the chain gives one {@link ConnectException} with the right reason and
 * the hop in its message, within the timeout, and leaves no socket open: each scripted relay
 * checks that the connector closed its end.
 */
class MisbehavingRelayTest {
    /** Long enough that a test finishing well within {@link #BOUND} shows the failure did not wait for it. */
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofMillis(500);
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final HostPort TARGET = new HostPort("peer.example", 7700);

    private final PathConnector chain = new Socks5ChainConnectorProvider().create(Options.empty("connector"));

    @ParameterizedTest(name = "REP {0} -> {1}")
    @CsvSource({
        "0x01, GENERAL, general SOCKS server failure",
        "0x02, NOT_ALLOWED, connection not allowed by ruleset",
        "0x03, NETWORK_UNREACHABLE, network unreachable",
        "0x04, HOST_UNREACHABLE, host unreachable",
        "0x05, CONNECTION_REFUSED, connection refused",
        "0x06, TTL_EXPIRED, TTL expired",
        "0x07, GENERAL, command not supported",
        "0x08, GENERAL, address type not supported",
        "0x42, GENERAL, unassigned"})
    void aRelayThatRepliesWithAnErrorCodeFailsNamingTheHop(String code, ConnectFailure reason, String text) throws Exception {
        int rep = Integer.decode(code);
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.reply(rep);
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(reason, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": reply " + code + " (" + text + ") to CONNECT " + TARGET, e.getMessage());
        }
    }

    @Test
    void anErrorReplyFromAnEarlierHopIsAFailureOfThePathNotOfTheTarget() throws Exception {
        try (ScriptedRelay first = new ScriptedRelay(c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.reply(0x05);
                });
                ScriptedRelay second = ScriptedRelay.correct()) {
            ConnectException e = fails(Paths.through(TARGET, first.hop(), second.hop()), LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason(), "hop 1 could not reach hop 2: that says nothing about the target");
            assertEquals("hop 1 " + first.hop() + ": reply 0x05 (connection refused) to CONNECT " + second.address(), e.getMessage());
            assertTrue(first.conversation().clientClosed());
            assertEquals(0, second.accepted());
        }
    }

    static Stream<Arguments> malformedReplies() {
        return Stream.of(
                Arguments.of("a greeting answered with SOCKS4's version", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x04, 0x00);
                }, "answered the greeting with version 0x04 (expected 0x05): not a SOCKS5 relay"),
                Arguments.of("a CONNECT answered with another version", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.send(0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0);
                }, "answered CONNECT peer.example:7700 with version 0x01 (expected 0x05)"),
                Arguments.of("a reply whose reserved byte is set", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.send(0x05, 0x00, 0x07, 0x01, 0, 0, 0, 0, 0, 0);
                }, "malformed reply to CONNECT peer.example:7700: reserved byte 0x07 (expected 0x00)"),
                Arguments.of("a reply with an unknown address type", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.send(0x05, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0);
                }, "malformed reply to CONNECT peer.example:7700: unknown address type 0x09 (expected 0x01, 0x03 or 0x04)"),
                Arguments.of("a reply with an empty domain name", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.send(0x05, 0x00, 0x00, 0x03, 0, 0, 0);
                }, "malformed reply to CONNECT peer.example:7700: empty domain name in BND.ADDR"),
                Arguments.of("an authentication answered with another version", (ScriptedRelay.Script) c -> {
                    c.readGreeting();
                    c.send(0x05, 0x02);
                    c.readLogin();
                    c.send(0x05, 0x00);
                }, "answered the authentication with version 0x05 (expected 0x01, RFC 1929)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedReplies")
    void aMalformedReplyFailsAtOnceNamingTheHop(String what, ScriptedRelay.Script script, String message) throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(script)) {
            // The relay stays connected after its bad reply: the check must not wait for more bytes.
            Route.RelayHop hop = message.contains("authentication") ? relay.hop("alice", "pw") : relay.hop();
            ConnectException e = fails(Paths.through(TARGET, hop), LONG);
            assertTrue(relay.conversation().clientClosed(), "the connector closed its socket");
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + hop + ": " + message, e.getMessage());
        }
    }

    @Test
    void aRelayThatClosesMidReplyFailsAtOnceSayingHowMuchCame() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.send(0x05, 0x00, 0x00, 0x01, 127, 0);
            c.closeOutput();
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": closed the connection after 6 of 10 bytes of its answer to CONNECT "
                    + TARGET, e.getMessage());
        }
    }

    @Test
    void aRelayThatClosesWithoutAnsweringFails() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(ScriptedRelay.Conversation::closeOutput)) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": closed the connection without answering the greeting", e.getMessage());
        }
    }

    @Test
    void aDomainReplyWhoseLengthOverrunsWhatTheRelaySendsFailsWhenItCloses() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.send(0x05, 0x00, 0x00, 0x03, 200, 'a', 'b');
            c.closeOutput();
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": closed the connection after 7 of 207 bytes of its answer to CONNECT "
                    + TARGET, e.getMessage());
        }
    }

    @Test
    void aDomainReplyWhoseLengthOverrunsWhatTheRelaySendsTimesOutIfItStaysOpen() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.send(0x05, 0x00, 0x00, 0x03, 200, 'a', 'b');
        })) {
            ConnectException e = failsThrough(relay, SHORT);
            assertEquals(ConnectFailure.TTL_EXPIRED, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": sent 7 of 207 bytes of its answer to CONNECT " + TARGET
                    + ", then nothing within the 500ms timeout", e.getMessage());
        }
    }

    @Test
    void aReplyFollowedBySurplusBytesFails() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.send(new byte[] {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x04, 0x38, 'g', 'a', 'r', 'b', 'a', 'g', 'e'});
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": sent 7 bytes more than its 10-byte reply to CONNECT " + TARGET
                    + " declares", e.getMessage());
        }
    }

    @Test
    void surplusBytesFromAnEarlierHopFailNamingThatHop() throws Exception {
        try (ScriptedRelay first = new ScriptedRelay(c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.readRequest();
                    c.send(new byte[] {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x04, 0x38, 0x05, 0x00});
                });
                ScriptedRelay second = ScriptedRelay.correct()) {
            ConnectException e = fails(Paths.through(TARGET, first.hop(), second.hop()), LONG);
            assertTrue(first.conversation().clientClosed(), "the connector closed its socket");
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertTrue(e.getMessage().startsWith("hop 1 " + first.hop() + ": sent 2 bytes more than"), e.getMessage());
        }
    }

    @Test
    void aRelayThatSelectsAMethodNotOfferedFails() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x02);
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": selected authentication method 0x02 username/password, "
                    + "which was not offered (offered 0x00 no authentication)", e.getMessage());
        }
    }

    @Test
    void aRelayWithNoAcceptableMethodFails() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0xFF);
        })) {
            ConnectException e = failsThrough(relay, LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": no acceptable authentication method (offered 0x00 no authentication)",
                    e.getMessage());
        }
    }

    @Test
    void aRejectedLoginFailsNamingTheUserButNeverThePassword() throws Exception {
        try (ScriptedRelay first = ScriptedRelay.correct();
                ScriptedRelay second = ScriptedRelay.correctWithLogin("alice", "right")) {
            Route.RelayHop wrong = second.hop("alice", "wrong-password");
            ConnectException e = fails(Paths.through(TARGET, first.hop(), wrong), LONG);
            assertTrue(second.conversation().clientClosed(), "the connector closed its socket");
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 2 socks5://alice:***@" + second.address() + ": authentication failed for user alice (status 0x01)",
                    e.getMessage());
            assertFalse(e.getMessage().contains("wrong-password"));
        }
    }

    @Test
    void aSilentRelayTimesOutNamingTheHop() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {})) {
            ConnectException e = failsThrough(relay, SHORT);
            assertEquals(ConnectFailure.TTL_EXPIRED, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": did not answer the greeting within the 500ms timeout", e.getMessage());
        }
    }

    @Test
    void aRelayThatFallsSilentAfterTheGreetingTimesOut() throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
        })) {
            ConnectException e = failsThrough(relay, SHORT);
            assertEquals(ConnectFailure.TTL_EXPIRED, e.reason());
            assertEquals("hop 1 " + relay.hop() + ": did not answer CONNECT " + TARGET + " within the 500ms timeout", e.getMessage());
        }
    }

    @Test
    void aSilentSecondHopTimesOutWithinTheTimeoutOfTheWholeChain() throws Exception {
        try (ScriptedRelay first = ScriptedRelay.correct(); ScriptedRelay second = new ScriptedRelay(c -> {})) {
            ConnectException e = fails(Paths.through(TARGET, first.hop(), second.hop()), SHORT);
            assertTrue(second.conversation().clientClosed(), "the close reached hop 2 through hop 1");
            assertTrue(first.conversation().clientClosed(), "the connector closed its socket");
            assertEquals(ConnectFailure.TTL_EXPIRED, e.reason());
            assertEquals("hop 2 " + second.hop() + ": did not answer the greeting within the 500ms timeout", e.getMessage());
        }
    }

    @Test
    void anUnreachableFirstHopFailsLikeADirectConnection() throws Exception {
        HostPort closed = DirectConnectorTest.closedPort();
        Route.RelayHop hop = new Route.RelayHop(closed, null, null);
        ConnectException e = fails(Paths.through(TARGET, hop), LONG);
        assertEquals(ConnectFailure.CONNECTION_REFUSED, e.reason());
        assertTrue(e.getMessage().startsWith("hop 1 " + hop + ": "), e.getMessage());
    }

    @Test
    void aUserNameTooLongForRfc1929IsRefusedBeforeAnyConnection() throws Exception {
        try (ScriptedRelay relay = ScriptedRelay.correct()) {
            Route.RelayHop hop = relay.hop("u".repeat(256), "pw");
            ConnectException e = fails(Paths.through(TARGET, hop), LONG);
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertEquals("hop 1 " + hop + ": the user name is 256 bytes in UTF-8 (expected: 1-255, RFC 1929)", e.getMessage());
            assertEquals(0, relay.accepted());
        }
    }

    /** Whatever bytes a relay answers with, the connector returns a socket or throws a ConnectException: nothing else. */
    @Test
    void randomRepliesGiveAConnectExceptionAndNothingElse() throws Exception {
        long seed = System.nanoTime();
        System.out.println("randomRepliesGiveAConnectExceptionAndNothingElse: seed " + seed);
        Random random = new Random(seed);
        BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(replies.take());
            c.closeOutput();
        })) {
            for (int i = 0; i < 200; i++) {
                byte[] reply = new byte[random.nextInt(24)];
                random.nextBytes(reply);
                if (reply.length > 1 && random.nextBoolean()) {
                    reply[0] = 0x05; // past the version check more often
                    reply[1] = 0x00;
                    if (reply.length > 2) {
                        reply[2] = 0x05;
                    }
                }
                replies.add(reply);
                assertTimeoutPreemptively(BOUND, () -> {
                    try (Socket s = chain.connect(Paths.through(TARGET, relay.hop()), TARGET, LONG)) {
                        assertTrue(s.isConnected(), "a random reply that happens to be a well-formed success");
                    } catch (ConnectException expected) {
                        assertTrue(expected.getMessage().startsWith("hop 1 " + relay.hop() + ": "), expected.getMessage());
                    }
                }, () -> "seed " + seed);
                assertTrue(relay.conversation().clientClosed(), "seed " + seed);
            }
        }
    }

    private ConnectException failsThrough(ScriptedRelay relay, Duration timeout) throws Exception {
        ConnectException e = fails(Paths.through(TARGET, relay.hop()), timeout);
        assertTrue(relay.conversation().clientClosed(), "the connector closed its socket");
        return e;
    }

    /** Fails, within {@link #BOUND} however long the timeout: misbehaviour is detected, not waited out. */
    private ConnectException fails(Route.Path path, Duration timeout) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(ConnectException.class, () -> chain.connect(path, TARGET, timeout)));
    }
}

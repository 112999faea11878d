package dev.mpp.plugin.connectors;

import static dev.mpp.plugin.connectors.DirectConnectorTest.assertRoundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.spi.PathConnector;
import dev.mpp.plugin.connectors.ScriptedRelay.Bound;
import dev.mpp.plugin.connectors.ScriptedRelay.Request;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The chain when every relay does its job. */
class Socks5ChainConnectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final PathConnector chain = new Socks5ChainConnectorProvider().create(Options.empty("connector"));

    @Test
    void twoHopsReachTheTargetAndBytesRoundTrip() throws Exception {
        try (EchoServer echo = new EchoServer();
                ScriptedRelay first = ScriptedRelay.correct();
                ScriptedRelay second = ScriptedRelay.correctWithLogin("alice", "s3cret")) {
            HostPort target = new HostPort("localhost", echo.port());
            try (Socket socket = chain.connect(Paths.through(target, first.hop(), second.hop("alice", "s3cret")), target, TIMEOUT)) {
                assertNotNull(socket.getChannel(), "the runtime may want the channel");
                assertEquals(0, socket.getSoTimeout(), "no read timeout is left over from the handshake");
                assertTrue(socket.getTcpNoDelay());
                byte[] payload = new byte[256 * 1024];
                new Random(42).nextBytes(payload);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        socket.getOutputStream().write(payload);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                socket.setSoTimeout(10_000);
                assertArrayEquals(payload, socket.getInputStream().readNBytes(payload.length));
                writer.join();
            }
            ScriptedRelay.Conversation toFirst = first.conversation();
            ScriptedRelay.Conversation toSecond = second.conversation();
            assertEquals(List.of(0x00), toFirst.offeredMethods(), "no user at hop 1: only 'no authentication' offered");
            assertEquals(List.of(0x02), toSecond.offeredMethods(), "a user at hop 2: only username/password offered");
            assertEquals(new Request(0x01, "127.0.0.1", second.address().port()), toFirst.receivedRequest());
            assertEquals(new Request(0x03, "localhost", echo.port()), toSecond.receivedRequest(),
                    "the target's name reaches the last hop unresolved");
        }
    }

    @Test
    void theTargetsNameIsResolvedByTheLastHopNeverLocally() throws Exception {
        // A name no resolver knows: a local lookup would fail before the relay ever heard of it.
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.reply(0x04);
        })) {
            HostPort target = new HostPort("peer.mpp.invalid", 7700);
            ConnectException e = assertThrows(ConnectException.class,
                    () -> chain.connect(Paths.through(target, relay.hop()), target, TIMEOUT));
            assertEquals(ConnectFailure.HOST_UNREACHABLE, e.reason());
            assertEquals(new Request(0x03, "peer.mpp.invalid", 7700), relay.conversation().receivedRequest());
        }
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 1, 127.0.0.1", "::1, 4, 0:0:0:0:0:0:0:1", "10.1, 3, 10.1"})
    void ipLiteralsAreSentAsAddressesAndAnythingElseAsAName(String host, int atyp, String received) throws Exception {
        try (ScriptedRelay relay = new ScriptedRelay(c -> {
            c.readGreeting();
            c.send(0x05, 0x00);
            c.readRequest();
            c.reply(0x05);
        })) {
            HostPort target = new HostPort(host, 7700);
            assertThrows(ConnectException.class, () -> chain.connect(Paths.through(target, relay.hop()), target, TIMEOUT));
            assertEquals(new Request(atyp, received, 7700), relay.conversation().receivedRequest());
        }
    }

    @ParameterizedTest
    @EnumSource(Bound.class)
    void aReplyOfEveryAddressTypeIsReadToItsLastByteAndNoFurther(Bound bound) throws Exception {
        try (EchoServer echo = new EchoServer();
                ScriptedRelay relay = new ScriptedRelay(c -> {
                    c.readGreeting();
                    c.send(0x05, 0x00);
                    c.relay(c.readRequest(), bound);
                })) {
            try (Socket socket = chain.connect(Paths.through(echo.address(), relay.hop()), echo.address(), TIMEOUT)) {
                assertRoundTrip(socket, "the first byte after the reply is the target's");
            }
        }
    }

    @Test
    void threeHopsEachWithItsOwnLogin() throws Exception {
        try (EchoServer echo = new EchoServer();
                ScriptedRelay one = ScriptedRelay.correctWithLogin("a", "1");
                ScriptedRelay two = ScriptedRelay.correctWithLogin("b", "2");
                ScriptedRelay three = ScriptedRelay.correctWithLogin("c", "3")) {
            try (Socket socket = chain.connect(Paths.through(echo.address(), one.hop("a", "1"), two.hop("b", "2"), three.hop("c", "3")),
                    echo.address(), TIMEOUT)) {
                assertRoundTrip(socket, "three relays");
            }
        }
    }

    @Test
    void anEmptyChainIsADirectConnection() throws Exception {
        try (EchoServer echo = new EchoServer();
                Socket socket = chain.connect(Paths.direct(echo.address()), echo.address(), TIMEOUT)) {
            assertRoundTrip(socket, "no relays");
        }
    }
}

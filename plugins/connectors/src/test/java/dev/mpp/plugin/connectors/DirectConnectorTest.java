package dev.mpp.plugin.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.spi.PathConnector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DirectConnectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final PathConnector direct = new DirectConnectorProvider().create(Options.empty("connector"));

    @Test
    void connectsStraightToTheTargetAndBytesRoundTrip() throws Exception {
        try (EchoServer echo = new EchoServer();
                Socket socket = direct.connect(Paths.direct(echo.address()), echo.address(), TIMEOUT)) {
            assertNotNull(socket.getChannel(), "the runtime may want the channel");
            assertTrue(socket.getTcpNoDelay());
            assertTrue(socket.getKeepAlive());
            assertRoundTrip(socket, "hello, peer");
        }
    }

    @Test
    void aNameIsResolvedAndItsAddressesTriedUntilOneConnects() throws Exception {
        // localhost may resolve to ::1 before 127.0.0.1, where the echo server listens: then the first is refused.
        try (EchoServer echo = new EchoServer()) {
            HostPort byName = new HostPort("localhost", echo.port());
            try (Socket socket = direct.connect(Paths.direct(byName), byName, TIMEOUT)) {
                assertRoundTrip(socket, "by name");
            }
        }
    }

    @Test
    void aRefusedConnectionIsConnectionRefusedNamingTheTarget() throws Exception {
        HostPort closed = closedPort();
        ConnectException e = assertThrows(ConnectException.class, () -> direct.connect(Paths.direct(closed), closed, TIMEOUT));
        assertEquals(ConnectFailure.CONNECTION_REFUSED, e.reason());
        assertTrue(e.getMessage().startsWith(closed + ": "), e.getMessage());
    }

    @Test
    void aHostNameWithUnprintableCharactersIsNeverLookedUp() {
        HostPort odd = new HostPort("peer\nexample", 7700);
        ConnectException e = assertThrows(ConnectException.class, () -> direct.connect(Paths.direct(odd), odd, TIMEOUT));
        assertEquals(ConnectFailure.HOST_UNREACHABLE, e.reason());
        assertEquals("peer\\x0aexample:7700: not a host name", e.getMessage());
    }

    @Test
    void aPathWithRelaysIsRefusedRatherThanBypassingThem() throws Exception {
        try (EchoServer echo = new EchoServer(); ScriptedRelay relay = ScriptedRelay.correct()) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> direct.connect(Paths.through(echo.address(), relay.hop()), echo.address(), TIMEOUT));
            assertEquals(ConnectFailure.GENERAL, e.reason());
            assertTrue(e.getMessage().contains("socks5-chain"), e.getMessage());
            assertEquals(0, relay.accepted());
        }
    }

    @Test
    void aTargetThatNeverCompletesTheHandshakeTimesOut() throws Exception {
        // A listener that never accepts and has a full queue drops further SYNs, as a black hole does.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostPort target = new HostPort("127.0.0.1", full.getLocalPort());
            List<Socket> queued = fillAcceptQueue(full);
            try {
                ConnectException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ConnectException.class,
                        () -> direct.connect(Paths.direct(target), target, Duration.ofMillis(500))));
                assertEquals(ConnectFailure.TTL_EXPIRED, e.reason(), e.getMessage());
                assertEquals(target + ": did not connect within the 500ms timeout", e.getMessage());
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void oneConnectorServesManyConnectsAtOnce() throws Exception {
        try (EchoServer echo = new EchoServer(); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String message = "connection " + i;
                done.add(threads.submit(() -> {
                    try (Socket s = direct.connect(Paths.direct(echo.address()), echo.address(), TIMEOUT)) {
                        assertRoundTrip(s, message);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    static void assertRoundTrip(Socket socket, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(bytes);
        assertArrayEquals(bytes, socket.getInputStream().readNBytes(bytes.length));
    }

    /** An address on 127.0.0.1 where nothing listens. */
    static HostPort closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new HostPort("127.0.0.1", s.getLocalPort());
        }
    }

    private static List<Socket> fillAcceptQueue(ServerSocket full) throws IOException {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 200);
                queued.add(s);
            } catch (IOException queueFull) {
                s.close();
                return queued;
            }
        }
        throw new AssertionError("the accept queue never filled up: cannot simulate a black hole here");
    }
}

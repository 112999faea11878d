package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.HttpFixture;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own SOCKS5 client ({@code java.net.Proxy} of type SOCKS, through {@code new Socket(proxy)}
 * and {@code HttpURLConnection}) talks to MPP: every byte arrives in both directions, the JDK's
 * RFC 1929 authentication works, and each side's half-close reaches the other while the other
 * direction keeps flowing.
 */
class JdkSocksClientTest {
    private static final long SEED = 0x1dc_50c5L;
    private static final int MIB = 1024 * 1024;
    private static final int TIMEOUT_MILLIS = 20_000;

    private static byte[] up;
    private static byte[] down;
    private static RunningNode open;
    private static RunningNode withPassword;

    @BeforeAll
    static void start() {
        up = RandomPayload.bytes(8 * MIB + 13, SEED);
        down = RandomPayload.bytes(8 * MIB + 7, SEED + 1);
        open = RunningNode.socks("");
        withPassword = RunningNode.socksWithPassword("");
    }

    @AfterAll
    static void stop() {
        open.close();
        withPassword.close();
    }

    @Test
    void socketCarries8MiBEachWayAtOnceToAnIpv4Address() throws Exception {
        assertDuplex(open, InetAddress.ofLiteral("127.0.0.1"), false);
    }

    @Test
    void socketCarries8MiBEachWayAtOnceToAnIpv6Address() throws Exception {
        assertDuplex(open, InetAddress.ofLiteral("::1"), false);
    }

    @Test
    void socketLetsTheProxyResolveAnUnresolvedName() throws Exception {
        assertDuplex(open, InetAddress.ofLiteral("127.0.0.1"), true);
    }

    @Test
    void socketAuthenticatesWithTheDefaultAuthenticator() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        withSocksCredentials("alice", "s3cret", asked, () -> {
            assertDuplex(withPassword, InetAddress.ofLiteral("127.0.0.1"), true);
            return null;
        });
        assertTrue(asked.get() > 0, "the JDK never asked for SOCKS credentials: the server did not select 0x02");
    }

    @Test
    void wrongPasswordFailsTheJdkClient() throws Exception {
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture sink = TcpFixture.sink(received)) {
            withSocksCredentials("alice", "wrong", new AtomicInteger(), () -> {
                try (Socket socket = new Socket(withPassword.proxy())) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    IOException e = assertThrows(IOException.class, () -> socket.connect(sink.address(), TIMEOUT_MILLIS));
                    assertTrue(String.valueOf(e.getMessage()).contains("authentication"), e::toString);
                }
                return null;
            });
            Thread.sleep(100);
            assertTrue(!received.isDone(), "a refused client must never reach the destination");
        }
    }

    @Test
    void clientHalfClosesAndTheDestinationStillRepliesInFull() throws Exception {
        // The destination answers only once it has seen end of stream: the client's FIN must arrive,
        // and the reply must then flow over the half-closed connection.
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture server = TcpFixture.replyAfterEnd(received, down);
             Socket socket = new Socket(open.proxy())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(server.address(), TIMEOUT_MILLIS);
            socket.getOutputStream().write(up, 0, MIB);
            socket.shutdownOutput();
            assertEquals(StreamDigest.of(down), StreamDigest.of(socket.getInputStream()));
            assertEquals(StreamDigest.of(Arrays.copyOf(up, MIB)), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void destinationHalfClosesFirstAndTheClientKeepsSending() throws Exception {
        // The client reads to end of stream before it sends a byte: the destination's FIN must
        // arrive, and the client's upload must then flow over the half-closed connection.
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture server = TcpFixture.halfCloseFirst(down, received);
             Socket socket = new Socket(open.proxy())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(server.address(), TIMEOUT_MILLIS);
            assertEquals(StreamDigest.of(down), StreamDigest.of(socket.getInputStream()));
            socket.getOutputStream().write(up);
            socket.shutdownOutput();
            assertEquals(StreamDigest.of(up), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void httpUrlConnectionFetches8MiBIntact() throws Exception {
        try (HttpFixture http = new HttpFixture(down)) {
            assertEquals(StreamDigest.of(down), fetch(open, http.url("127.0.0.1")));
            assertEquals(StreamDigest.of(down), fetch(open, http.url("dest.test")));
        }
    }

    @Test
    void httpUrlConnectionAuthenticatesWithTheDefaultAuthenticator() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (HttpFixture http = new HttpFixture(down)) {
            StreamDigest fetched = withSocksCredentials("alice", "s3cret", asked, () -> fetch(withPassword, http.url("dest.test")));
            assertEquals(StreamDigest.of(down), fetched);
        }
        assertTrue(asked.get() > 0, "the JDK never asked for SOCKS credentials");
    }

    /** Connects through {@code node}, sends {@link #up} while receiving {@link #down}, and checks both. */
    private static void assertDuplex(RunningNode node, InetAddress server, boolean unresolved) throws Exception {
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture fixture = TcpFixture.duplex(server, down, received);
             Socket socket = new Socket(node.proxy())) {
            InetSocketAddress destination = unresolved
                    ? InetSocketAddress.createUnresolved("dest.test", fixture.port())
                    : new InetSocketAddress(server, fixture.port());
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(destination, TIMEOUT_MILLIS);
            CompletableFuture<Void> sent = Streams.sendAndHalfClose(socket, up);
            assertEquals(StreamDigest.of(down), StreamDigest.of(socket.getInputStream()), "bytes from the destination");
            sent.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertEquals(StreamDigest.of(up), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "bytes to the destination");
        }
    }

    private static StreamDigest fetch(RunningNode node, String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection(node.proxy());
        connection.setConnectTimeout(TIMEOUT_MILLIS);
        connection.setReadTimeout(TIMEOUT_MILLIS);
        try (InputStream body = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode());
            return StreamDigest.of(body);
        } finally {
            connection.disconnect();
        }
    }

    private interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code action} with a default {@link Authenticator} that gives the JDK's SOCKS client
     * these credentials. The default is global to the JVM: the previous one is always restored.
     */
    private static <T> T withSocksCredentials(String user, String password, AtomicInteger asked, Action<T> action)
            throws Exception {
        Authenticator previous = Authenticator.getDefault();
        Authenticator.setDefault(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (!"SOCKS5".equals(getRequestingProtocol())) {
                    return null;
                }
                asked.incrementAndGet();
                return new PasswordAuthentication(user, password.toCharArray());
            }
        });
        try {
            return action.run();
        } finally {
            Authenticator.setDefault(previous);
        }
    }
}

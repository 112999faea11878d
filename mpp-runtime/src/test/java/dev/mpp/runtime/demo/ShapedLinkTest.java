package dev.mpp.runtime.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's shaped link: bytes pass intact both ways with the end of stream after them, no faster
 * than the rate and no sooner than the delay (lower bounds only: a busy machine is only ever slower),
 * and closing the link ends its connections.
 */
class ShapedLinkTest {
    private static final long SEED = 0x5ba9edL;
    private static final int TIMEOUT_MILLIS = 20_000;

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void bytesCrossIntactBothWaysAndTheEndOfStreamFollowsThem() throws IOException {
        byte[] payload = RandomPayload.bytes(3 * 1024 * 1024 + 7, SEED);
        try (TcpFixture echo = TcpFixture.echo();
             ShapedLink link = link(echo, new ShapedLink.Shape(400_000_000, Duration.ofMillis(2)));
             Socket socket = connect(link)) {
            assertArrayEquals(payload, Streams.sendAndReceive(socket, payload), "seed " + SEED);
        }
    }

    @Test
    void theRateBoundsTheTransfer() throws Exception {
        byte[] payload = RandomPayload.bytes(32 * 1024, SEED); // 1.02 s at 256 kbit/s
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture sink = TcpFixture.sink(received);
             ShapedLink link = link(sink, new ShapedLink.Shape(256_000, Duration.ZERO));
             Socket socket = connect(link)) {
            long start = System.nanoTime();
            Streams.sendAndHalfClose(socket, payload);
            assertEquals(StreamDigest.of(payload), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 950, "32 KiB at 256 kbit/s took only " + millis + " ms");
        }
    }

    @Test
    void theDelayHoldsEachDirection() throws IOException {
        try (TcpFixture echo = TcpFixture.echo();
             ShapedLink link = link(echo, new ShapedLink.Shape(100_000_000, Duration.ofMillis(150)));
             Socket socket = connect(link)) {
            long start = System.nanoTime();
            socket.getOutputStream().write(42);
            assertEquals(42, socket.getInputStream().read());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 300, "a round trip over 150 ms each way took only " + millis + " ms");
        }
    }

    @Test
    void closingTheLinkEndsItsConnections() throws IOException {
        try (TcpFixture echo = TcpFixture.echo()) {
            ShapedLink link = link(echo, new ShapedLink.Shape(100_000_000, Duration.ofMillis(1)));
            try (Socket socket = connect(link)) {
                socket.getOutputStream().write(1);
                assertEquals(1, socket.getInputStream().read());
                link.close();
                int next;
                try {
                    next = socket.getInputStream().read();
                } catch (IOException reset) {
                    next = -1;
                }
                assertEquals(-1, next, "the connection outlived its link");
            }
        }
    }

    private ShapedLink link(TcpFixture target, ShapedLink.Shape shape) throws IOException {
        return new ShapedLink("test-link", new InetSocketAddress(InetAddress.getLoopbackAddress(), target.port()), shape,
                timers);
    }

    private static Socket connect(ShapedLink link) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(link.address());
        return socket;
    }
}

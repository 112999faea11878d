package dev.mpp.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mpp.api.spi.Upstream;
import dev.mpp.runtime.testkit.RandomPayload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay itself, without SOCKS: every byte crosses both ways, each end of stream becomes a
 * half-close, and buffers that grew give their growth back to the shared budget when the
 * connection ends, whether the upstream is a socket channel or only streams, and whatever the budget.
 */
@Timeout(60)
class SpliceTest {
    private static final long SEED = 0x5b11ceL;
    private static final int MIB = 1024 * 1024;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void bothWaysWithHalfCloseThroughChannelsAndTheBudgetComesBackWhole() throws Exception {
        Splice splice = new Splice(MIB, 64L * MIB, Duration.ofMinutes(1), timers);
        exchange(splice, false, 3 * MIB, 5 * MIB);
        assertEquals(64L * MIB, splice.growthBudget());
    }

    @Test
    void bothWaysWithHalfCloseThroughStreamsAndTheBudgetComesBackWhole() throws Exception {
        Splice splice = new Splice(MIB, 64L * MIB, Duration.ofMinutes(1), timers);
        exchange(splice, true, 3 * MIB, 5 * MIB);
        assertEquals(64L * MIB, splice.growthBudget());
    }

    @Test
    void aSpentBudgetKeepsBuffersAtTheirFirstSizeAndLosesNoByte() throws Exception {
        Splice splice = new Splice(MIB, 0, Duration.ofMinutes(1), timers);
        exchange(splice, false, 2 * MIB, 2 * MIB);
        exchange(splice, true, 2 * MIB, 2 * MIB);
        assertEquals(0, splice.growthBudget());
    }

    @Test
    void aBudgetTooSmallForTheNextStepStopsGrowthThereAndComesBackWhole() throws Exception {
        // 16 KiB -> 64 KiB takes 48 KiB per direction; 64 KiB -> 256 KiB would need 192 KiB more.
        Splice splice = new Splice(MIB, 100 * 1024, Duration.ofMinutes(1), timers);
        exchange(splice, false, 4 * MIB, 4 * MIB);
        assertEquals(100 * 1024, splice.growthBudget());
    }

    /**
     * Connects a client and a destination through {@code splice}. The client sends {@code upBytes}
     * and half-closes; the destination reads to the end, answers {@code downBytes} and half-closes;
     * the client reads to the end. Returns once the relay has returned.
     */
    private static void exchange(Splice splice, boolean streamUpstream, int upBytes, int downBytes) throws Exception {
        byte[] up = RandomPayload.bytes(upBytes, SEED);
        byte[] down = RandomPayload.bytes(downBytes, SEED + 1);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ServerSocketChannel front = ServerSocketChannel.open().bind(loopback);
             ServerSocketChannel back = ServerSocketChannel.open().bind(loopback);
             SocketChannel client = SocketChannel.open(front.getLocalAddress());
             SocketChannel proxyFront = front.accept();
             SocketChannel proxyBack = SocketChannel.open(back.getLocalAddress());
             SocketChannel destination = back.accept()) {
            Upstream upstream = streamUpstream ? Upstream.of(proxyBack.socket()) : new SocketUpstream(proxyBack);
            Thread relay = Thread.ofVirtual().start(() -> {
                try {
                    splice.relay(proxyFront.socket(), upstream);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            AtomicReference<byte[]> received = new AtomicReference<>();
            Thread far = Thread.ofVirtual().start(() -> {
                try {
                    received.set(destination.socket().getInputStream().readAllBytes());
                    destination.socket().getOutputStream().write(down);
                    destination.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    client.socket().getOutputStream().write(up);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] answer = client.socket().getInputStream().readAllBytes();
            sender.join();
            far.join();
            relay.join();
            assertArrayEquals(up, received.get(), "bytes the destination received (seed " + SEED + ")");
            assertArrayEquals(down, answer, "bytes the client received (seed " + (SEED + 1) + ")");
        }
    }
}

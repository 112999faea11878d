package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A destination that reads slowly slows the client through the whole chain: the peer holds no
 * more than its configured session buffer, the client's writes block, nothing is dropped.
 */
class SlowDestinationTest {
    private static final int SESSION_BUFFER = 4 << 20;
    private static final int SIZE = 256 << 20;
    private static final long SLOW_RATE = 1 << 20;
    /** How long the test watches; the destination stays slow a little longer, as its clock starts first. */
    private static final long SLOW_MILLIS = 8_000;
    private static final long DESTINATION_SLOW_MILLIS = SLOW_MILLIS + 2_000;
    /** By then every buffer on the way (the kernel's grow to tens of MiB on loopback) is full. */
    private static final long FILLED_MILLIS = 4_000;

    @Test
    void aDestinationReadingOneMebibytePerSecondHoldsThePeerToItsBufferAndSlowsTheClient() throws Exception {
        List<String> relays;
        try (RunningNode r1 = RunningNode.socks(""); RunningNode r2 = RunningNode.socks("")) {
            relays = List.of("socks5://" + r1.socksHostPort(), "socks5://" + r2.socksHostPort(), MultipathFixture.DIRECT);
            CompletableFuture<StreamDigest> received = new CompletableFuture<>();
            AtomicLong written = new AtomicLong();
            try (MultipathFixture mpp = MultipathFixture.start(relays, "", ", \"sessionBuffer\": " + SESSION_BUFFER);
                 TcpFixture destination = TcpFixture.start(socket -> received.complete(readSlowlyThenFast(socket)));
                 Socket client = mpp.connect(destination.address())) {
                byte[] payload = RandomPayload.bytes(SIZE, 21);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        for (int off = 0; off < SIZE; off += 64 << 10) {
                            out.write(payload, off, 64 << 10);
                            written.addAndGet(64 << 10);
                        }
                        client.shutdownOutput();
                    } catch (Exception e) {
                        received.completeExceptionally(e);
                    }
                });
                long maxHeldAtPeer = 0;
                long maxHeldAtNode = 0;
                long start = System.nanoTime();
                long filledAt = start + TimeUnit.MILLISECONDS.toNanos(FILLED_MILLIS);
                long slowUntil = start + TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS);
                long writtenWhenFilled = -1;
                while (System.nanoTime() < slowUntil) {
                    for (Session s : mpp.peer.node().sessions()) {
                        maxHeldAtPeer = Math.max(maxHeldAtPeer, s.heldBytes());
                    }
                    for (Session s : mpp.node.node().sessions()) {
                        maxHeldAtNode = Math.max(maxHeldAtNode, s.heldBytes());
                    }
                    if (writtenWhenFilled < 0 && System.nanoTime() >= filledAt) {
                        writtenWhenFilled = written.get();
                    }
                    Await.sleep(20);
                }
                long writtenWhileSlow = written.get();
                long rate = (writtenWhileSlow - writtenWhenFilled) * 1000 / (SLOW_MILLIS - FILLED_MILLIS);
                assertTrue(maxHeldAtPeer > 0, "the peer held the session's bytes");
                assertTrue(maxHeldAtPeer <= 2L * SESSION_BUFFER,
                        "the peer held " + maxHeldAtPeer + " bytes, more than its two session buffers of " + SESSION_BUFFER);
                assertTrue(maxHeldAtNode <= 2L * SESSION_BUFFER,
                        "node A held " + maxHeldAtNode + " bytes, more than its two session buffers of " + SESSION_BUFFER);
                // Once the buffers on the way are full, the client can only write as fast as the destination reads.
                assertTrue(rate < 4 * SLOW_RATE, "the client wrote " + rate + " bytes/s while the destination read "
                        + SLOW_RATE + ": backpressure did not reach it");
                assertTrue(writtenWhileSlow < SIZE / 2, "the client wrote " + writtenWhileSlow + " bytes of " + SIZE
                        + " while the destination read " + SLOW_RATE * SLOW_MILLIS / 1000);
                assertEquals(StreamDigest.of(payload), received.get(120, TimeUnit.SECONDS), "every byte, once, in order");
                writer.join();
                System.out.printf("slow destination: A held at most %d KiB, B %d KiB; the client wrote %d MiB in %d s, "
                        + "%d KiB/s at the end%n", maxHeldAtNode >> 10, maxHeldAtPeer >> 10, writtenWhileSlow >> 20,
                        SLOW_MILLIS / 1000, rate >> 10);
            }
        }
    }

    /** Reads at {@link #SLOW_RATE} for {@link #DESTINATION_SLOW_MILLIS}, then as fast as it can, to the end. */
    private static StreamDigest readSlowlyThenFast(Socket socket) throws java.io.IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[16 << 10];
        long start = System.nanoTime();
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
            total += n;
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (elapsedMillis < DESTINATION_SLOW_MILLIS) {
                long dueMillis = total * 1000 / SLOW_RATE;
                if (dueMillis > elapsedMillis) {
                    Await.sleep(Math.min(dueMillis - elapsedMillis, DESTINATION_SLOW_MILLIS - elapsedMillis));
                }
            }
        }
        return new StreamDigest(total, HexFormat.of().formatHex(sha.digest()));
    }
}

package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.FaultyRelay;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code redundant}: every packet on every path; the receiver keeps the first copy and drops the rest. */
class RedundantSchedulingTest {
    private static final int SIZE = 8 << 20;

    @Test
    void everyPathCarriesTheStreamAndAResetRelayCostsNothing() throws Exception {
        try (FaultyRelay faulty = FaultyRelay.start();
             MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT, MultipathFixture.DIRECT,
                     faulty.uri()), ", \"scheduler\": \"redundant\"", ", \"scheduler\": \"redundant\"")) {
            byte[] up = RandomPayload.bytes(SIZE, 31);
            byte[] down = RandomPayload.bytes(SIZE, 32);
            CompletableFuture<StreamDigest> received = new CompletableFuture<>();
            try (TcpFixture destination = TcpFixture.duplex(InetAddress.getLoopbackAddress(), down, received);
                 Socket client = mpp.connect(destination.address())) {
                assertTrue(Await.until(() -> mpp.node.node().sessions().stream().anyMatch(s -> s.pathsUp() == 3), 10_000));
                Thread breaker = Thread.ofVirtual().start(() -> {
                    Await.until(() -> faulty.bytesRelayed() > 4 << 20, 30_000);
                    faulty.reset();
                });
                CompletableFuture<Void> sent = Streams.sendAndHalfClose(client, up);
                StreamDigest got = StreamDigest.of(client.getInputStream());
                Streams.await(sent);
                breaker.join();
                assertEquals(StreamDigest.of(down), got, "destination to client");
                assertEquals(StreamDigest.of(up), received.get(60, TimeUnit.SECONDS), "client to destination");
            }
            assertTrue(Await.until(() -> !mpp.node.node().endedSessions().isEmpty()
                    && !mpp.peer.node().endedSessions().isEmpty(), 20_000));
            SessionSummary a = mpp.lastOpened();
            SessionSummary b = mpp.peer.node().endedSessions().getFirst();
            assertEquals("done", a.endReason(), a.toString());
            assertTrue(a.bytesSent() > 2L * SIZE, "copies went on several paths: " + a);
            assertTrue(b.duplicatesDropped() > 0, "the peer kept one copy of each packet and dropped the others: " + b);
        }
    }
}

package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.FaultyRelay;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.ResourceBaseline;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A relay on one of three paths breaks in the middle of a transfer, in each way a relay breaks;
 * the transfer completes intact, each byte delivered once. And when every path dies, the client's
 * connection is reset: never a silently truncated stream.
 */
class PathFailureTest {
    private static final int SIZE = 48 << 20;

    @Test
    void aRelayResetMidTransferLosesNoData() throws Exception {
        transferWhileTheRelayFails(FaultyRelay::reset, true);
    }

    @Test
    void aRelayThatStallsSilentlyMidTransferLosesNoData() throws Exception {
        transferWhileTheRelayFails(FaultyRelay::stall, true);
    }

    @Test
    void aRelayThatClosesCleanlyMidTransferLosesNoData() throws Exception {
        transferWhileTheRelayFails(FaultyRelay::closeConnections, false);
    }

    @ParameterizedTest(name = "scheduler {0}")
    @ValueSource(strings = {"round-robin", "weighted", "latency-aware"})
    void aRelaySlowedToATrickleMidTransferLosesNoData(String scheduler) throws Exception {
        transferWhileTheRelayFails(relay -> relay.slow(1024), true, ", \"scheduler\": \"" + scheduler + "\"");
    }

    /**
     * Sends {@link #SIZE} bytes each way through paths over two good relays and {@code faulty};
     * once {@code faulty} has carried 2 MiB, {@code fault} breaks it.
     *
     * @param dataIsLost  whether the fault strands packets on the path (a clean close delivers them first)
     */
    private void transferWhileTheRelayFails(Consumer<FaultyRelay> fault, boolean dataIsLost) throws Exception {
        transferWhileTheRelayFails(fault, dataIsLost, "");
    }

    private void transferWhileTheRelayFails(Consumer<FaultyRelay> fault, boolean dataIsLost, String routeExtra)
            throws Exception {
        try (RunningNode good1 = RunningNode.socks("");
             RunningNode good2 = RunningNode.socks("");
             FaultyRelay faulty = FaultyRelay.start();
             MultipathFixture mpp = MultipathFixture.start(
                     List.of("socks5://" + good1.socksHostPort(), "socks5://" + good2.socksHostPort(), faulty.uri()),
                     routeExtra, "")) {
            mpp.transferBothWaysIntact(SIZE, 3, () -> {
                Await.until(() -> faulty.bytesRelayed() > 2 << 20, 30_000);
                fault.accept(faulty);
            });
            assertTrue(faulty.bytesRelayed() < 2L * SIZE, "the fault came in the middle of the transfer");
            faulty.pass();
            assertTrue(Await.until(() -> !mpp.node.node().endedSessions().isEmpty()
                    && !mpp.peer.node().endedSessions().isEmpty(), 20_000), "the session ended at both ends");
            SessionSummary session = mpp.lastOpened();
            assertEquals("done", session.endReason(), session.toString());
            SessionSummary atPeer = mpp.peer.node().endedSessions().getFirst();
            long resent = session.paths().stream().mapToLong(PathStats::packetsResent).sum()
                    + atPeer.paths().stream().mapToLong(PathStats::packetsResent).sum();
            assertTrue(!dataIsLost || resent > 0, "packets the faulty path held were re-sent elsewhere, one way or the "
                    + "other: " + session + " " + atPeer);
        }
    }

    @Test
    void aFailedPathIsOpenedAgainAndJoinsTheLiveSession() throws Exception {
        try (FaultyRelay faulty = FaultyRelay.start();
             MultipathFixture mpp = MultipathFixture.start(List.of(faulty.uri(), MultipathFixture.DIRECT), "", "");
             TcpFixture destination = TcpFixture.echo();
             Socket client = mpp.connect(destination.address())) {
            assertTrue(Await.until(() -> mpp.node.node().sessions().stream().anyMatch(s -> s.pathsUp() == 2), 10_000));
            faulty.reset();
            assertTrue(Await.until(() -> mpp.node.node().sessions().stream().anyMatch(s -> s.pathsUp() == 1), 5_000),
                    "the reset path is down");
            assertTrue(Await.until(() -> mpp.node.node().sessions().stream().anyMatch(s -> s.pathsUp() == 2), 10_000),
                    "and up again after the backoff");
            assertEquals(2, faulty.connectionsAccepted(), "the path was opened again through its relay");
            byte[] echo = Streams.sendAndReceive(client, RandomPayload.bytes(1 << 20, 5));
            assertEquals(StreamDigest.of(RandomPayload.bytes(1 << 20, 5)), StreamDigest.of(echo));
        }
    }

    @Test
    void whenEveryPathDiesTheClientConnectionIsResetWithinTheDeadlineAndNothingLeaks() throws Exception {
        FaultyRelay[] relays = {FaultyRelay.start(), FaultyRelay.start(), FaultyRelay.start()};
        try (MultipathFixture mpp = MultipathFixture.start(List.of(relays[0].uri(), relays[1].uri(), relays[2].uri()), "", "");
             TcpFixture destination = TcpFixture.echo()) {
            ResourceBaseline baseline = ResourceBaseline.measure();
            Socket client = mpp.connect(destination.address());
            assertTrue(Await.until(() -> mpp.node.node().sessions().stream().anyMatch(s -> s.pathsUp() == 3), 10_000));
            client.getOutputStream().write(new byte[] {1, 2, 3});
            assertEquals(3, client.getInputStream().readNBytes(3).length);
            long killed = System.nanoTime();
            for (FaultyRelay relay : relays) {
                relay.stall(); // new paths hang in their SOCKS handshake
                relay.reset();
            }
            client.setSoTimeout(30_000);
            IOException e = assertThrows(IOException.class, () -> {
                while (client.getInputStream().read() >= 0) {
                    // nothing more should come
                }
            }, "the stream must not end as if it were complete");
            long millis = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(e.getMessage().contains("reset"), "a reset, not a timeout or an end: " + e);
            // sessionDeadline is 3 s (MultipathFixture.FAST), counted from the last path's failure.
            assertTrue(millis < 3_000 + 2_000, "reset after " + millis + " ms");
            client.close();
            for (FaultyRelay relay : relays) {
                relay.close();
            }
            assertTrue(Await.until(() -> mpp.node.node().sessions().isEmpty() && mpp.peer.node().sessions().isEmpty(),
                    10_000), "both ends forgot the session");
            baseline.assertRestored(mpp.node, mpp.peer);
        } finally {
            for (FaultyRelay relay : relays) {
                relay.close();
            }
        }
    }
}

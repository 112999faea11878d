package dev.mpp.runtime.session;

import static dev.mpp.runtime.session.MultipathFixture.DIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.FaultyRelay;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A path far slower than the others does not set the session's pace, even under a scheduler that
 * gives every path with room its turn: when the receiver's reorder buffer fills up waiting for a
 * packet on the slow path, the sender re-injects that packet on a fast path and halves the slow
 * path's window (docs/decisions.md, "Opportunistic re-injection and penalisation").
 */
class SlowPathTest {
    private static final int SIZE = 16 << 20;
    private static final int SLOW_BYTES_PER_SECOND = 512 * 1024;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"round-robin", "weighted"})
    void aSlowPathCarriesLittleAndWhatTheReceiverWaitsForIsReinjectedOnTheFastPaths(String scheduler) throws Exception {
        String choice = ", \"scheduler\": \"" + scheduler + "\"";
        // A small buffer, so the receiver runs out of room while it waits for the slow path.
        String buffers = choice + ", \"packetSize\": 16384, \"sessionBuffer\": 1048576";
        try (FaultyRelay slow = FaultyRelay.start();
             MultipathFixture mpp = MultipathFixture.start(List.of(DIRECT, DIRECT, slow.uri()), choice, buffers)) {
            slow.slow(SLOW_BYTES_PER_SECOND);
            // Without re-injection, a third of each stream on the slow path: 5.3 MiB at 512 KiB/s, 10 s each way
            // (it is not slow enough for a retransmission timeout to take it out of service).
            mpp.transferBothWaysIntact(SIZE, 3, () -> {});

            assertTrue(Await.until(() -> !mpp.node.node().endedSessions().isEmpty()
                    && !mpp.peer.node().endedSessions().isEmpty(), 20_000));
            assertEquals("p2", mpp.lastOpened().paths().stream().min(Comparator.comparingLong(PathStats::bytesSent))
                    .orElseThrow().name(), "node A's path through the slow relay carried least");
            for (SessionSummary sender : List.of(mpp.lastOpened(), mpp.peer.node().endedSessions().getFirst())) {
                assertEquals("done", sender.endReason(), sender.toString());
                // B names paths by their sockets, not by the route: there, the slow path is the one that carried least.
                PathStats slowPath = sender.paths().stream().min(Comparator.comparingLong(PathStats::bytesSent)).orElseThrow();
                // A fifth: well under the third it carries without re-injection, and loose enough for a loaded
                // machine, where the transfer takes longer and the slow path carries its 512 KiB/s for longer.
                assertTrue(slowPath.bytesSent() < SIZE / 5, "the slow path carried little: " + sender);
                long reinjected = sender.paths().stream().filter(p -> p != slowPath).mapToLong(PathStats::packetsResent).sum();
                assertTrue(reinjected > 0, "packets the receiver waited for went again on the fast paths: " + sender);
            }
        }
    }
}

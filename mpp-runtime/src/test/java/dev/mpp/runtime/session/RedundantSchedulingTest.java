package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.FaultyRelay;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code redundant}: every packet on every path; the receiver keeps the first copy and drops the rest. */
class RedundantSchedulingTest {
    private static final int SIZE = 8 << 20;

    @Test
    void everyPathCarriesTheStreamAndAResetRelayCostsNothing() throws Exception {
        try (FaultyRelay faulty = FaultyRelay.start();
             MultipathFixture mpp = MultipathFixture.start(List.of(MultipathFixture.DIRECT, MultipathFixture.DIRECT,
                     faulty.uri()), ", \"scheduler\": \"redundant\"", ", \"scheduler\": \"redundant\"")) {
            mpp.transferBothWaysIntact(SIZE, 3, () -> {
                Await.until(() -> faulty.bytesRelayed() > 4 << 20, 30_000);
                faulty.reset();
            });
            assertTrue(Await.until(() -> !mpp.node.node().endedSessions().isEmpty()
                    && !mpp.peer.node().endedSessions().isEmpty(), 20_000));
            SessionSummary a = mpp.lastOpened();
            SessionSummary b = mpp.peer.node().endedSessions().getFirst();
            assertEquals("done", a.endReason(), a.toString());
            // Every path *with room* takes a copy: on loopback the windows sit at their floor of four
            // packets, so a copy is sometimes skipped on a path that is full at that moment.
            assertTrue(a.bytesSent() > SIZE + SIZE / 4, "copies went on several paths: " + a);
            assertTrue(b.duplicatesDropped() > 0, "the peer kept one copy of each packet and dropped the others: " + b);
        }
    }
}

package dev.mpp.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's model, checked on schedulers simple enough to work out the answer by hand. */
class SchedulerHarnessTest {
    /** Always the first path offered, with or without room. */
    private static final PathScheduler FIRST = (paths, bytes) -> paths.getFirst();
    /** The first path offered that has room, or wait. */
    private static final PathScheduler FIRST_WITH_ROOM = (paths, bytes) -> paths.stream()
            .filter(p -> p.hasRoom(bytes)).findFirst().orElse(null);
    /** The path with room and the least in flight, or wait. */
    private static final PathScheduler LEAST_IN_FLIGHT = (paths, bytes) -> paths.stream()
            .filter(p -> p.hasRoom(bytes)).min(Comparator.comparingLong(PathView::bytesInFlight)).orElse(null);

    @Test
    void onePathDeliversAtItsRateAndTheLastPacketArrivesHalfAnRttAfterItLeft() {
        // 12 500 B at 10 Mbit/s is 10 ms a packet: 100 packets leave by 1 s and the last arrives 40 ms later
        HarnessReport r = SchedulerHarness.of(FIRST, FakePath.measured(0, 10, 80)).packetBytes(12_500).send(1_250_000);
        assertTrue(r.complete());
        assertEquals(Duration.ofMillis(1040), r.elapsed());
        assertEquals(1_250_000, r.bytesDelivered());
        assertEquals(new HarnessReport.PathReport(0, 1_250_000, 100, 0), r.path(0));
        assertEquals(Duration.ZERO, r.worstReorderWait());
    }

    @Test
    void theLastPacketMayBeShorter() {
        HarnessReport r = SchedulerHarness.of(FIRST, FakePath.measured(0, 10, 80)).packetBytes(1000).send(2500);
        assertEquals(List.of(0L, 1L, 2L), r.sends().stream().map(HarnessReport.Send::sequence).toList());
        assertEquals(2500, r.path(0).bytes());
        assertTrue(r.complete());
    }

    @Test
    void aSlowPathMakesTheReceiverWaitForItsPackets() {
        HarnessReport r = SchedulerHarness.of(LEAST_IN_FLIGHT, FakePath.measured(0, 10, 80), FakePath.measured(1, 60, 4))
                .send(10_000_000);
        assertTrue(r.complete());
        assertTrue(r.path(0).bytes() > 0 && r.path(1).bytes() > 0, r.toString());
        assertTrue(r.worstReorderWait().toMillis() >= 40, r.toString()); // at least the slow path's extra half RTT
    }

    @Test
    void whatAFailedPathHeldIsResentElsewhereAndTheStreamArrivesWhole() {
        FakePath failing = FakePath.measured(0, 60, 4).failsAt(Duration.ofMillis(100));
        HarnessReport r = SchedulerHarness.of(FIRST, failing, FakePath.measured(1, 10, 20)).send(4_000_000);
        assertTrue(r.complete(), r.toString());
        assertEquals(4_000_000, r.bytesDelivered());
        assertTrue(r.path(1).resent() > 0, r.toString());
        assertTrue(r.sends().stream().filter(s -> s.path() == 0).allMatch(s -> s.at().toMillis() < 100), r.toString());
    }

    @Test
    void aRecoveredPathCarriesAgain() {
        FakePath flaky = FakePath.measured(0, 60, 4).failsAt(Duration.ofMillis(50)).recoversAt(Duration.ofMillis(200));
        HarnessReport r = SchedulerHarness.of(FIRST_WITH_ROOM, flaky, FakePath.measured(1, 10, 20)).send(8_000_000);
        assertTrue(r.complete(), r.toString());
        assertTrue(r.sends().stream().anyMatch(s -> s.path() == 0 && s.at().toMillis() >= 200), r.toString());
        assertTrue(r.sends().stream().noneMatch(s -> s.path() == 0 && s.at().toMillis() >= 50 && s.at().toMillis() < 200));
    }

    @Test
    void withEveryPathDownForGoodTheRunStopsIncompleteInsteadOfHanging() {
        FakePath only = FakePath.measured(0, 10, 20).failsAt(Duration.ofMillis(30));
        HarnessReport r = SchedulerHarness.of(FIRST, only).send(10_000_000);
        assertFalse(r.complete());
        assertTrue(r.bytesDelivered() < 10_000_000);
        assertEquals(Duration.ofMillis(30), r.elapsed());
    }

    @Test
    void anOfferedLoadBelowThePathsRateSetsThePace() {
        // 1 MB offered at 1 MB/s over a 60 Mbit/s path: the last packet is ready at about 1 s
        HarnessReport r = SchedulerHarness.of(FIRST, FakePath.measured(0, 60, 4)).offeredLoad(1_000_000).send(1_000_000);
        assertTrue(r.complete());
        assertTrue(r.elapsed().toMillis() >= 930 && r.elapsed().toMillis() < 1000, r.toString());
    }

    @Test
    void theReceiveWindowBoundsWhatIsUnacknowledged() {
        // One packet of credit: each packet waits for the previous one's acknowledgement (10 ms + 80 ms)
        HarnessReport r = SchedulerHarness.of(FIRST, FakePath.measured(0, 10, 80)).packetBytes(12_500)
                .receiveWindow(12_500).send(125_000);
        assertEquals(Duration.ofMillis(9 * 90 + 50), r.elapsed());
    }

    @Test
    void aPacketHeldOnASlowPathHoldsUpTheCreditBehindItAsTheReceiversReorderBufferDoes() {
        // Packet 0 on a 1 Mbit/s, 200 ms path (acknowledged at 100 + 200 ms), the rest on a fast one that
        // acknowledges each within 3 ms: with ten packets of credit, packet 10 waits for packet 0's acknowledgement.
        boolean[] first = {true};
        PathScheduler firstOnTheSlowPath = (paths, bytes) -> {
            PathView chosen = first[0] ? paths.getFirst() : paths.getLast();
            first[0] = false;
            return chosen;
        };
        HarnessReport r = SchedulerHarness.of(firstOnTheSlowPath, FakePath.measured(0, 1, 200), FakePath.measured(1, 100, 2))
                .packetBytes(12_500).receiveWindow(10 * 12_500).send(20 * 12_500);
        assertTrue(r.complete(), r.toString());
        assertTrue(r.sends().stream().filter(s -> s.sequence() >= 10).allMatch(s -> s.at().toMillis() >= 300), r.toString());
        assertTrue(r.sends().stream().filter(s -> s.sequence() < 10).allMatch(s -> s.at().toMillis() < 100), r.toString());
    }

    @Test
    void aSchedulerThatWaitsWithNothingInFlightGetsTheFirstPathLikeInTheSession() {
        HarnessReport r = SchedulerHarness.of((paths, bytes) -> null, FakePath.measured(0, 10, 80), FakePath.measured(1, 10, 80))
                .send(1_000_000);
        assertTrue(r.complete());
        assertEquals(1_000_000, r.path(0).bytes());
    }

    @Test
    void redundantCopiesAreCountedOnEveryPathAndTheReceiverDropsTheLaterOnes() {
        PathScheduler everywhere = new PathScheduler() {
            @Override
            public PathView select(List<PathView> paths, int bytes) {
                return paths.getFirst();
            }

            @Override
            public List<PathView> selectCopies(List<PathView> paths, int bytes) {
                return paths.stream().filter(p -> p.hasRoom(bytes)).toList();
            }
        };
        HarnessReport r = SchedulerHarness.of(everywhere, FakePath.measured(0, 60, 4), FakePath.measured(1, 60, 40))
                .send(2_000_000);
        assertTrue(r.complete());
        assertTrue(r.path(0).packets() + r.path(1).packets() > 31, r.toString()); // 2 000 000 B is 31 packets
        assertTrue(r.duplicates() > 0, r.toString()); // copies that arrived before the run ended
    }

    @Test
    void aSchedulerAnsweringWithAPathItWasNotOfferedIsABug() {
        FakePath stranger = FakePath.measured(7, 10, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchedulerHarness.of((paths, bytes) -> stranger, FakePath.measured(0, 10, 80)).send(1000));
        assertTrue(e.getMessage().startsWith("the scheduler chose path 7"), e.getMessage());
    }

    @Test
    void theSameScenarioGivesTheSameReport() {
        HarnessReport a = SchedulerHarness.of(LEAST_IN_FLIGHT, FakePath.measured(0, 10, 80), FakePath.measured(1, 60, 4)
                .failsAt(Duration.ofMillis(300))).send(20_000_000);
        HarnessReport b = SchedulerHarness.of(LEAST_IN_FLIGHT, FakePath.measured(0, 10, 80), FakePath.measured(1, 60, 4)
                .failsAt(Duration.ofMillis(300))).send(20_000_000);
        assertEquals(a, b);
    }

    @Test
    void pathsWithoutARateOrAnRttAreRefusedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerHarness.of(FIRST, FakePath.idle(0)));
        assertTrue(e.getMessage().contains("a harness path needs a rate and an RTT, e.g. FakePath.measured(0, 10, 80)"), e.getMessage());
    }

    @Test
    void aHarnessRunsOneScenario() {
        SchedulerHarness h = SchedulerHarness.of(FIRST, FakePath.measured(0, 10, 80));
        h.send(1000);
        assertThrows(IllegalStateException.class, () -> h.send(1000));
    }
}

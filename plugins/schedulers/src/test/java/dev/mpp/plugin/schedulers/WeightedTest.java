package dev.mpp.plugin.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import dev.mpp.testkit.FakePath;
import dev.mpp.testkit.HarnessReport;
import dev.mpp.testkit.SchedulerHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedTest {
    private final PathScheduler scheduler = new WeightedProvider().create(Options.empty("scheduler"));

    private List<Integer> choose(int packets, List<PathView> paths) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < packets; i++) {
            chosen.add(scheduler.select(paths, 1000).index());
        }
        return chosen;
    }

    @Test
    void eachPathTakesItsWeightsShareSpreadOut() {
        List<PathView> paths = List.of(FakePath.idle(0).weight(5), FakePath.idle(1).weight(1), FakePath.idle(2).weight(1));
        // nginx's example: weights 5, 1, 1 give a a b a c a a, not a a a a a b c
        assertEquals(List.of(0, 0, 1, 0, 2, 0, 0), choose(7, paths));
    }

    @Test
    void equalWeightsAreRoundRobin() {
        assertEquals(List.of(0, 1, 2, 0, 1, 2), choose(6, List.of(FakePath.idle(0), FakePath.idle(1), FakePath.idle(2))));
    }

    @Test
    void aFullPathIsSkippedAndNoRoomMeansWait() {
        List<PathView> paths = List.of(FakePath.idle(0).weight(3).full(), FakePath.idle(1));
        assertEquals(List.of(1, 1), choose(2, paths));
        assertNull(scheduler.select(List.of(FakePath.idle(0).full()), 1000));
    }

    @Test
    void withRoomOnBothPathsWeightsThreeToOneCarryThreeToOne() {
        // Large windows, so room never decides: the weights alone do
        HarnessReport r = SchedulerHarness.of(scheduler, FakePath.measured(0, 100, 10).weight(3).window(64 << 20),
                FakePath.measured(1, 100, 10).window(64 << 20)).send(40_000_000);
        assertTrue(r.complete());
        assertTrue(Math.abs(r.path(0).packets() - 3 * r.path(1).packets()) <= 3, r.toString());
    }
}

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

class RoundRobinTest {
    private final PathScheduler scheduler = new RoundRobinProvider().create(Options.empty("scheduler"));

    private List<Integer> choose(int packets, List<PathView> paths) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < packets; i++) {
            chosen.add(scheduler.select(paths, 1000).index());
        }
        return chosen;
    }

    @Test
    void takesThePathsInTurn() {
        assertEquals(List.of(0, 1, 2, 0, 1, 2, 0), choose(7, List.of(FakePath.idle(0), FakePath.idle(1), FakePath.idle(2))));
    }

    @Test
    void skipsAPathWithoutRoomAndComesBackToItLater() {
        List<PathView> all = List.of(FakePath.idle(0), FakePath.idle(1), FakePath.idle(2));
        assertEquals(List.of(0, 1), choose(2, all));
        assertEquals(List.of(0, 1, 0), choose(3, List.of(FakePath.idle(0), FakePath.idle(1))));
        assertEquals(List.of(1, 2, 0, 1), choose(4, all));
    }

    @Test
    void aPathWithAFullWindowIsSkippedAndWithNoRoomAnywhereItWaits() {
        List<PathView> paths = List.of(FakePath.idle(0), FakePath.idle(1).full(), FakePath.idle(2));
        assertEquals(List.of(0, 2, 0), choose(3, paths));
        assertNull(scheduler.select(List.of(FakePath.idle(0).full(), FakePath.idle(1).full()), 1000));
    }

    @Test
    void oneLivePathTakesEverything() {
        assertEquals(List.of(1, 1, 1), choose(3, List.of(FakePath.idle(1))));
    }

    @Test
    void onThreeEqualPathsEachCarriesAThird() {
        HarnessReport r = SchedulerHarness.of(scheduler, FakePath.measured(0, 20, 10), FakePath.measured(1, 20, 10),
                FakePath.measured(2, 20, 10)).send(30_000_000);
        assertTrue(r.complete());
        for (HarnessReport.PathReport p : r.paths()) {
            assertTrue(Math.abs(p.packets() - r.sends().size() / 3.0) <= 1, r.toString());
        }
    }
}

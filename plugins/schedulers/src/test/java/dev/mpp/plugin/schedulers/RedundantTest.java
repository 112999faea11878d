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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedundantTest {
    private final PathScheduler scheduler = new RedundantProvider().create(Options.empty("scheduler"));

    @Test
    void everyPathWithRoomCarriesACopyTheFastestFirst() {
        PathView slow = FakePath.measured(0, 10, 80).window(1 << 20);
        PathView fast = FakePath.measured(1, 60, 4).window(1 << 20);
        PathView full = FakePath.measured(2, 30, 20).window(1 << 20).full();
        assertEquals(List.of(fast, slow), scheduler.selectCopies(List.of(slow, fast, full), 1000));
        assertEquals(fast, scheduler.select(List.of(slow, fast, full), 1000));
    }

    @Test
    void withNoRoomAnywhereItWaits() {
        assertEquals(List.of(), scheduler.selectCopies(List.of(FakePath.idle(0).full()), 1000));
        assertNull(scheduler.select(List.of(FakePath.idle(0).full()), 1000));
    }

    @Test
    void bothPathsCarryCopiesAndLosingOneMidTransferLosesNothing() {
        HarnessReport r = SchedulerHarness.of(scheduler, FakePath.measured(0, 60, 4).failsAt(Duration.ofMillis(300)),
                FakePath.measured(1, 60, 20)).send(10_000_000);
        assertTrue(r.complete(), r.toString());
        assertEquals(10_000_000, r.bytesDelivered());
        assertTrue(r.path(0).packets() > 0 && r.path(1).packets() > 0 && r.duplicates() > 0, r.toString());
    }
}

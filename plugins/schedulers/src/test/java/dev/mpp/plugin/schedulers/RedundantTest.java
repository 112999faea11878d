package dev.mpp.plugin.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedundantTest {
    private final PathScheduler scheduler = new RedundantProvider().create(Options.empty("scheduler"));

    @Test
    void everyPathWithRoomCarriesACopyTheFastestFirst() {
        PathView slow = FakePath.measured(0, 10, 80, 0, 0, 1 << 20);
        PathView fast = FakePath.measured(1, 60, 4, 0, 0, 1 << 20);
        PathView full = FakePath.measured(2, 30, 20, 0, 0, 1 << 20).full();
        assertEquals(List.of(fast, slow), scheduler.selectCopies(List.of(slow, fast, full), 1000));
        assertEquals(fast, scheduler.select(List.of(slow, fast, full), 1000));
    }

    @Test
    void withNoRoomAnywhereItWaits() {
        assertEquals(List.of(), scheduler.selectCopies(List.of(FakePath.idle(0).full()), 1000));
        assertNull(scheduler.select(List.of(FakePath.idle(0).full()), 1000));
    }
}

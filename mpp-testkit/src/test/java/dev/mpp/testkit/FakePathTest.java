package dev.mpp.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakePathTest {
    @Test
    void aMeasuredPathHasTheSessionsWindowTwiceRateTimesRttAtLeastFourPackets() {
        assertEquals(15_000_000, FakePath.measured(0, 600, 100).windowBytes()); // 75 MB/s x 0.1 s x 2
        assertEquals(4L * FakePath.PACKET_BYTES, FakePath.measured(0, 10, 4).windowBytes());
    }

    @Test
    void aFullPathHasNoRoomAndAnIdleOneAlwaysHas() {
        FakePath p = FakePath.measured(0, 10, 80).window(100_000);
        assertTrue(p.hasRoom(1_000_000));
        assertFalse(p.full().hasRoom(1));
    }

    @Test
    void optionsReadAsTheRuntimeGivesThem() {
        FakePath p = FakePath.idle(2).option("cost", 3).option("tag", "lte");
        assertEquals(3, p.options().integer("cost", 1, 0, 10));
        assertEquals(Options.of("", Map.of("cost", 3L, "tag", "lte")), p.options());
        assertEquals("paths[2].options.cost: 3 is out of range (expected 0 to 2)",
                assertThrows(ConfigException.class,
                        () -> p.options().integer("cost", 1, 0, 2)).getMessage());
    }

    @Test
    void theClockMovesOnlyForward() {
        FakeClock clock = new FakeClock();
        clock.advance(Duration.ofMillis(5));
        assertEquals(5_000_000, clock.getAsLong());
        assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(1));
    }
}

package dev.mpp.plugin.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decisions of {@code latency-aware} on synthetic path states (rates in Mbit/s, RTTs in ms, bytes). */
class LatencyAwareTest {
    private static final int PACKET = 16 * 1024;
    private final PathScheduler scheduler = new LatencyAwareProvider().create(Options.empty("scheduler"));

    @Test
    void sendsWhereThePacketArrivesFirst() {
        // 60 Mbit/s at 4 ms beats 10 Mbit/s at 80 ms when both are idle
        PathView slow = FakePath.measured(0, 10, 80, 0, 0, 1 << 20);
        PathView fast = FakePath.measured(1, 60, 4, 0, 0, 1 << 20);
        assertEquals(1, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void aQueueOnTheFastPathSendsThePacketToTheSlowOneWhenItArrivesSoonerThere() {
        // 1.5 MB queued at 60 Mbit/s is 200 ms; the slow path delivers a packet in 13 ms + 40 ms
        PathView slow = FakePath.measured(0, 10, 80, 0, 0, 1 << 20);
        PathView fast = FakePath.measured(1, 60, 4, 1_500_000, 1_500_000, 4 << 20);
        assertEquals(0, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void waitsForAFullFastPathRatherThanUseOneThatWouldDeliverLater() {
        // The fast path is full by one packet: room in ~2 ms, arrival ~4 ms after; the slow one needs 50 ms
        PathView slow = FakePath.measured(0, 10, 80, 0, 0, 1 << 20);
        PathView fast = FakePath.measured(1, 60, 4, 0, 64 * 1024, 64 * 1024);
        assertNull(scheduler.select(List.of(slow, fast), PACKET));
    }

    @Test
    void usesTheSlowPathWhenWaitingForTheFastOneTakesLonger() {
        // The fast path would need 1 s to drain its excess: the slow path wins
        PathView slow = FakePath.measured(0, 10, 80, 0, 0, 1 << 20);
        PathView fast = FakePath.measured(1, 60, 4, 0, 8_000_000, 500_000);
        assertEquals(0, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void anUnmeasuredPathIsTriedFirst() {
        PathView measured = FakePath.measured(0, 60, 4, 0, 0, 1 << 20);
        assertEquals(1, scheduler.select(List.of(measured, FakePath.idle(1)), PACKET).index());
    }

    @Test
    void aSuspectPathIsAvoidedWhileAnotherHasRoom() {
        PathView suspect = new FakePath(0, 1, PathView.State.SUSPECT, 4, 60_000_000 / 8, 0, 0, 1 << 20);
        PathView slow = FakePath.measured(1, 10, 80, 0, 0, 1 << 20);
        assertEquals(1, scheduler.select(List.of(suspect, slow), PACKET).index());
    }

    @Test
    void withNoRoomAnywhereItWaits() {
        assertNull(scheduler.select(List.of(FakePath.measured(0, 10, 80, 0, 1 << 20, 1 << 20)), PACKET));
    }
}

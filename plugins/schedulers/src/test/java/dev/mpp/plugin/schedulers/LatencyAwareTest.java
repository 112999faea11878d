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

/** Decisions of {@code latency-aware} on synthetic path states (rates in Mbit/s, RTTs in ms, bytes). */
class LatencyAwareTest {
    private static final int PACKET = 16 * 1024;
    private final PathScheduler scheduler = new LatencyAwareProvider().create(Options.empty("scheduler"));

    @Test
    void sendsWhereThePacketArrivesFirst() {
        // 60 Mbit/s at 4 ms beats 10 Mbit/s at 80 ms when both are idle
        PathView slow = FakePath.measured(0, 10, 80).window(1 << 20);
        PathView fast = FakePath.measured(1, 60, 4).window(1 << 20);
        assertEquals(1, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void aQueueOnTheFastPathSendsThePacketToTheSlowOneWhenItArrivesSoonerThere() {
        // 1.5 MB queued at 60 Mbit/s is 200 ms; the slow path delivers a packet in 13 ms + 40 ms
        PathView slow = FakePath.measured(0, 10, 80).window(1 << 20);
        PathView fast = FakePath.measured(1, 60, 4).queued(1_500_000).inFlight(1_500_000).window(4 << 20);
        assertEquals(0, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void aFullFastPathLeavesThePacketToASlowerPathWithRoom() {
        // The fast path is full by one packet; the slow one delivers later, but adds its rate: the
        // sender has more to send behind this packet (ECF's large backlog), so it does not wait
        PathView slow = FakePath.measured(0, 10, 80).window(1 << 20);
        PathView fast = FakePath.measured(1, 60, 4).inFlight(64 * 1024).window(64 * 1024);
        assertEquals(0, scheduler.select(List.of(slow, fast), PACKET).index());
    }

    @Test
    void anUnmeasuredPathIsTriedFirst() {
        PathView measured = FakePath.measured(0, 60, 4).window(1 << 20);
        assertEquals(1, scheduler.select(List.of(measured, FakePath.idle(1)), PACKET).index());
    }

    @Test
    void aSuspectPathIsAvoidedWhileAnotherHasRoom() {
        PathView suspect = FakePath.measured(0, 60, 4).window(1 << 20).suspect();
        PathView slow = FakePath.measured(1, 10, 80).window(1 << 20);
        assertEquals(1, scheduler.select(List.of(suspect, slow), PACKET).index());
    }

    @Test
    void withNoRoomAnywhereItWaits() {
        assertNull(scheduler.select(List.of(FakePath.measured(0, 10, 80).inFlight(1 << 20).window(1 << 20)), PACKET));
    }

    // ---- whole transfers in the test kit's harness

    @Test
    void onTenAt80AndSixtyAt4msTheSlowPathAddsItsRateAndTheTransferEndsSoonerThanOnTheFastPathAlone() {
        HarnessReport both = SchedulerHarness.of(new LatencyAwareProvider().create(Options.empty("scheduler")),
                FakePath.measured(0, 10, 80), FakePath.measured(1, 60, 4)).send(20_000_000);
        HarnessReport fastAlone = SchedulerHarness.of(new LatencyAwareProvider().create(Options.empty("scheduler")),
                FakePath.measured(1, 60, 4)).send(20_000_000);
        assertTrue(both.complete() && fastAlone.complete());
        assertTrue(both.path(0).bytes() > 0, "the slow path carried part of the stream: " + both);
        assertTrue(both.elapsed().compareTo(fastAlone.elapsed()) < 0, both + " vs the fast path alone: " + fastAlone);
    }

    @Test
    void whenTheFastPathFailsItsPacketsGoOnTheSlowOneAndTheStreamArrivesWhole() {
        HarnessReport r = SchedulerHarness.of(scheduler, FakePath.measured(0, 10, 80),
                FakePath.measured(1, 60, 4).failsAt(Duration.ofMillis(500))).send(10_000_000);
        assertTrue(r.complete(), r.toString());
        assertEquals(10_000_000, r.bytesDelivered());
        assertTrue(r.path(0).resent() > 0, r.toString());
    }
}

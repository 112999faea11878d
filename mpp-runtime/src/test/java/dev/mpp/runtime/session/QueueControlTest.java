package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A path's window from its delivery rate and minimum RTT, driven by a fake clock (nanoseconds). */
class QueueControlTest {
    private static final long TICK = 100_000_000;
    private static final long FLOOR = 4 * 16_400;

    @Test
    void startsAtItsFirstSizeUntilThereIsAnEstimate() {
        QueueControl q = new QueueControl(FLOOR, 16 * 16_400, 0);
        assertEquals(16 * 16_400, q.window());
        assertEquals(-1, q.rate());
        q.tick(TICK, -1);
        assertEquals(16 * 16_400, q.window(), "no acknowledgement, no estimate");
    }

    @Test
    void theWindowIsTwiceTheRateTimesTheMinimumRtt() {
        QueueControl q = new QueueControl(FLOOR, FLOOR, 0);
        q.acknowledged(750_000); // 7.5 MB/s = 60 Mbit/s over one 100 ms tick
        q.tick(TICK, 40_000_000);
        assertEquals(7_500_000, q.rate());
        assertEquals(600_000, q.window(), "2 x 7.5 MB/s x 40 ms");
    }

    @Test
    void theRateIsTheLargestOfTheLastTenSamplesAndAnIdlePathKeepsItsLastEstimate() {
        QueueControl q = new QueueControl(FLOOR, FLOOR, 0);
        q.acknowledged(750_000);
        q.tick(TICK, 40_000_000);
        for (int i = 2; i <= 12; i++) {
            q.tick(i * TICK, 40_000_000); // nothing acknowledged: the application paused, the path is no slower
        }
        assertEquals(7_500_000, q.rate());
        q.acknowledged(50_000); // now it really carries less: 0.5 MB/s
        q.tick(13 * TICK, 40_000_000);
        assertEquals(500_000, q.rate());
        assertEquals(FLOOR, q.window(), "2 x 0.5 MB/s x 40 ms is below the floor of four packets");
    }

    @Test
    void aWindowLimitedPathDoublesItsWindowEachTickWhileTheRttStaysAtItsMinimum() {
        QueueControl q = new QueueControl(FLOOR, FLOOR, 0);
        long rtt = 20_000_000;
        long window = q.window();
        for (int i = 1; i <= 4; i++) {
            // the path delivers one window per RTT: window / 20 ms, over a 100 ms tick
            q.acknowledged(window * (TICK / rtt));
            q.tick(i * TICK, rtt);
            assertEquals(2 * window, q.window(), "tick " + i);
            window = q.window();
        }
    }

    @Test
    void aPenaltyHalvesTheWindowAtMostOncePerRttAndTheWindowGrowsBackOverTicks() {
        QueueControl q = new QueueControl(FLOOR, FLOOR, 0);
        q.acknowledged(750_000);
        q.tick(TICK, 40_000_000);
        assertEquals(600_000, q.window());

        long now = TICK + 1;
        q.penalise(now, 40_000_000);
        assertEquals(300_000, q.window());
        q.penalise(now + 39_000_000, 40_000_000);
        assertEquals(300_000, q.window(), "a second penalty within the same round trip counts once");
        q.penalise(now + 40_000_000, 40_000_000);
        assertEquals(150_000, q.window());

        q.tick(2 * TICK, 40_000_000); // the rate estimate still says 600 KB: the penalty holds
        assertEquals(150_000 * QueueControl.GAIN_RECOVERY, q.window(), 1);
        for (int i = 3; i < 40; i++) {
            q.tick(i * TICK, 40_000_000);
        }
        assertEquals(600_000, q.window(), "back to 2 x rate x min RTT after a few seconds without penalties");
    }

    @Test
    void aPenaltyNeverTakesTheWindowBelowTheFloor() {
        QueueControl q = new QueueControl(FLOOR, FLOOR, 0);
        for (int i = 0; i < 10; i++) {
            q.penalise(i * TICK, 1);
        }
        assertEquals(FLOOR, q.window());
    }
}

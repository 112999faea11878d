package com.example.mpp.cheapest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathView;
import dev.mpp.testkit.FakePath;
import dev.mpp.testkit.HarnessReport;
import dev.mpp.testkit.SchedulerHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy, first decision by decision on fake paths, then over whole transfers in the test kit's harness. */
class CheapestFirstTest {
    private final CheapestFirstProvider provider = new CheapestFirstProvider();
    private final PathScheduler scheduler = provider.create(Options.empty("scheduler"));

    // ---- single decisions

    @Test
    void theCheapestPathWithRoomTakesThePacketWhereverItIsInTheRoute() {
        PathView dear = FakePath.idle(0).option("cost", 5);
        PathView cheap = FakePath.idle(1).option("cost", 1);
        assertEquals(cheap, scheduler.select(List.of(dear, cheap), 1000));
    }

    @Test
    void aFullCheapPathSpillsOverToTheNextCheapestNotTheDearest() {
        PathView cheap = FakePath.idle(0).option("cost", 1).inFlight(1).full();
        PathView dearest = FakePath.idle(1).option("cost", 9);
        PathView next = FakePath.idle(2).option("cost", 3);
        assertEquals(next, scheduler.select(List.of(cheap, dearest, next), 1000));
    }

    @Test
    void equalCostsGoInRouteOrderAndAPathWithoutACostCostsOne() {
        PathView first = FakePath.idle(0);
        PathView second = FakePath.idle(1).option("cost", 1);
        assertEquals(first, scheduler.select(List.of(first, second), 1000));
    }

    @Test
    void withNoRoomAnywhereItWaits() {
        assertNull(scheduler.select(List.of(FakePath.idle(0).inFlight(1).full(), FakePath.idle(1).inFlight(1).full()), 1000));
    }

    @Test
    void aBadCostIsAConfigErrorNamingTheOption() {
        Options negative = Options.of("routes[0].paths[1].options", Map.of("cost", -2L));
        assertEquals("routes[0].paths[1].options.cost: -2 is out of range (expected 0 to 1000000)",
                assertThrows(ConfigException.class, () -> provider.checkPathOptions(negative)).getMessage());
        Options typo = Options.of("routes[0].paths[1].options", Map.of("costs", 2L));
        assertTrue(assertThrows(ConfigException.class, () -> provider.checkPathOptions(typo)).getMessage()
                .startsWith("routes[0].paths[1].options.costs: unknown option (expected one of: cost)"));
        provider.checkPathOptions(Options.of("routes[0].paths[1].options", Map.of("cost", 0L)));
    }

    // ---- whole transfers

    private HarnessReport send(long bytes, FakePath... paths) {
        return SchedulerHarness.of(scheduler, paths).send(bytes);
    }

    @Test
    void aTransferThatFitsTheCheapPathsWindowGoesOnItAlone() {
        HarnessReport r = send(200_000, FakePath.measured(0, 20, 20).option("cost", 5),
                FakePath.measured(1, 20, 20).option("cost", 1), FakePath.measured(2, 50, 10).option("cost", 9));
        assertTrue(r.complete());
        assertEquals(200_000, r.path(1).bytes());
        assertEquals(0, r.path(0).bytes() + r.path(2).bytes(), r.toString());
    }

    @Test
    void aLargeTransferSpillsOverInCostOrderAndTheCheapestCarriesTheMost() {
        HarnessReport r = send(50_000_000, FakePath.measured(0, 50, 20).option("cost", 1),
                FakePath.measured(1, 30, 20).option("cost", 2), FakePath.measured(2, 20, 20).option("cost", 5));
        assertTrue(r.complete());
        long cheap = r.path(0).bytes();
        long middle = r.path(1).bytes();
        long dear = r.path(2).bytes();
        assertTrue(cheap > middle && middle > 0, r.toString());
        assertTrue(middle >= dear, r.toString());
        // The dear path was given a packet only while both cheaper ones were full: never first
        assertEquals(0, r.sends().getFirst().path());
    }

    @Test
    void whenTheCheapPathFailsTheNextCheapestTakesOverAndNothingIsLost() {
        HarnessReport r = send(10_000_000, FakePath.measured(0, 50, 20).option("cost", 1).failsAt(Duration.ofMillis(200)),
                FakePath.measured(1, 30, 20).option("cost", 2), FakePath.measured(2, 30, 20).option("cost", 5));
        assertTrue(r.complete(), r.toString());
        assertEquals(10_000_000, r.bytesDelivered());
        assertTrue(r.path(1).bytes() > r.path(2).bytes(), r.toString());
    }
}

package com.example.mpp.cheapest;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PathView;
import java.util.List;
import java.util.Set;

/**
 * {@code cheapest-first}: each path has a cost (the path option {@code cost}, default 1; a metered
 * LTE link might cost 10, the office line 1). Every packet goes to the cheapest path that has room
 * in its window; a dearer path gets packets only while every cheaper one is full. Paths of equal
 * cost are taken in route order. With no room anywhere it waits, so a burst that the cheap path can
 * absorb never touches the dear one.
 *
 * <pre>
 * "paths": [ { "name": "office", "via": [...], "options": { "cost": 1 } },
 *            { "name": "lte",    "via": [...], "options": { "cost": 10 } } ],
 * "scheduler": "cheapest-first"
 * </pre>
 */
public final class CheapestFirstProvider implements PathSchedulerProvider {
    static final long MAX_COST = 1_000_000;

    @Override
    public String name() {
        return "cheapest-first";
    }

    @Override
    public String description() {
        return "the cheapest path with room (path option cost, default 1); dearer ones only when the cheaper are full";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of()); // no route-level options
        return CheapestFirstProvider::cheapestWithRoom;
    }

    /** Called when a route is loaded: a bad cost is reported then, with its line and column. */
    @Override
    public void checkPathOptions(Options options) {
        options.requireOnly(Set.of("cost"));
        cost(options);
    }

    static long cost(Options pathOptions) {
        return pathOptions.integer("cost", 1, 0, MAX_COST);
    }

    /** The paths come in route order, so the first of the cheapest wins a tie. */
    private static PathView cheapestWithRoom(List<PathView> paths, int packetBytes) {
        PathView best = null;
        long bestCost = Long.MAX_VALUE;
        for (PathView p : paths) {
            long cost = cost(p.options());
            if (cost < bestCost && p.hasRoom(packetBytes)) {
                best = p;
                bestCost = cost;
            }
        }
        return best;
    }
}

package dev.mpp.plugin.schedulers;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PathView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code redundant}: every packet on every path that has room, the first copy to arrive wins. For
 * users who want the lowest latency and instant failover rather than bandwidth: the stream moves at
 * the pace of the fastest path, and losing a path loses nothing in flight. A path without room is
 * skipped for that packet rather than waited for; with no room anywhere, it waits.
 */
public final class RedundantProvider implements PathSchedulerProvider {
    @Override
    public String name() {
        return "redundant";
    }

    @Override
    public String description() {
        return "every packet on every path with room; the first copy wins (latency and failover, not bandwidth)";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of());
        return new Redundant();
    }

    static final class Redundant implements PathScheduler {
        @Override
        public PathView select(List<PathView> paths, int packetBytes) {
            List<PathView> all = selectCopies(paths, packetBytes);
            return all.isEmpty() ? null : all.getFirst();
        }

        /** Every path with room, the one with the shortest RTT first (unmeasured ones last). */
        @Override
        public List<PathView> selectCopies(List<PathView> paths, int packetBytes) {
            List<PathView> out = new ArrayList<>();
            for (PathView p : paths) {
                if (p.hasRoom(packetBytes)) {
                    out.add(p);
                }
            }
            out.sort(Comparator.comparingLong(p -> p.smoothedRttNanos() < 0 ? Long.MAX_VALUE : p.smoothedRttNanos()));
            return out;
        }
    }
}

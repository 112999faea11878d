package dev.mpp.plugin.schedulers;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PathView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code weighted}: smooth weighted round-robin (as nginx does it) over the configured weights,
 * among the paths with room: a path of weight 2 takes two packets for each one a path of weight 1
 * takes, spread out rather than in bursts. With no path that has room, it waits.
 */
public final class WeightedProvider implements PathSchedulerProvider {
    @Override
    public String name() {
        return "weighted";
    }

    @Override
    public String description() {
        return "smooth weighted round-robin on the paths' configured weights";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of());
        return new Weighted();
    }

    static final class Weighted implements PathScheduler {
        /** Each path's running credit, by index. */
        private final Map<Integer, Long> current = new HashMap<>();

        @Override
        public PathView select(List<PathView> paths, int packetBytes) {
            long total = 0;
            PathView best = null;
            for (PathView p : paths) {
                if (!p.hasRoom(packetBytes)) {
                    continue;
                }
                long credit = current.merge(p.index(), (long) p.weight(), Long::sum);
                total += p.weight();
                if (best == null || credit > current.get(best.index())) {
                    best = p;
                }
            }
            if (best != null) {
                current.merge(best.index(), -total, Long::sum);
            }
            return best;
        }
    }
}

package dev.mpp.plugin.schedulers;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PathView;
import java.util.List;
import java.util.Set;

/**
 * {@code round-robin}: each packet goes to the next path after the one that took the previous
 * packet, in route order, among the paths with room in their window; with none, it waits.
 */
public final class RoundRobinProvider implements PathSchedulerProvider {
    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public String description() {
        return "each packet on the next path with room, in route order";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of());
        return new RoundRobin();
    }

    static final class RoundRobin implements PathScheduler {
        private int last = -1;

        @Override
        public PathView select(List<PathView> paths, int packetBytes) {
            PathView next = null;
            PathView lowest = null;
            for (PathView p : paths) {
                if (!p.hasRoom(packetBytes)) {
                    continue;
                }
                if (p.index() > last && (next == null || p.index() < next.index())) {
                    next = p;
                }
                if (lowest == null || p.index() < lowest.index()) {
                    lowest = p;
                }
            }
            PathView chosen = next != null ? next : lowest;
            if (chosen != null) {
                last = chosen.index();
            }
            return chosen;
        }
    }
}

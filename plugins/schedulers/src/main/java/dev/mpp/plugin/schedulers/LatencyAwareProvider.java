package dev.mpp.plugin.schedulers;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PathView;
import java.util.List;
import java.util.Set;

/**
 * {@code latency-aware}: each packet goes to the path where it is expected to arrive first — the
 * bytes ahead of it at the path's delivery rate, plus half the path's minimum RTT, as the upstream
 * Linux MPTCP scheduler estimates — among the paths with room in their window. With no path with
 * room, it waits.
 *
 * <p>It does not keep a slow path idle to wait for a full fast one (ECF, Lim et al., CoNEXT 2017):
 * ECF weighs that wait against the data still to send, and MPP cannot see that backlog (it waits in
 * the client's socket). Assuming it small left the slow path of a 10 + 60 Mbit/s pair idle and the
 * session at 0.86 of the ceiling; assuming it large, ECF is this rule. The reorder cost of a slow
 * path is bounded by its window, and when the receiver does wait for it the session re-injects the
 * packet on a faster path and halves the slow path's window (docs/decisions.md).
 *
 * <p>A path without estimates yet (no RTT sample or no delivery rate) counts as arriving at once,
 * so new paths are tried and measured.
 */
public final class LatencyAwareProvider implements PathSchedulerProvider {
    @Override
    public String name() {
        return "latency-aware";
    }

    @Override
    public String description() {
        return "earliest expected arrival (queue / rate + RTT / 2) among the paths with room";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of());
        return new LatencyAware();
    }

    static final class LatencyAware implements PathScheduler {
        @Override
        public PathView select(List<PathView> paths, int packetBytes) {
            PathView best = null;
            for (PathView p : paths) {
                if ((p.state() == PathView.State.UP || p.state() == PathView.State.SUSPECT) && p.hasRoom(packetBytes)
                        && (best == null || arrival(p, packetBytes) < arrival(best, packetBytes))) {
                    best = p;
                }
            }
            return best;
        }

        /**
         * Seconds until a packet given to {@code p} now would arrive: the bytes ahead of it on the
         * path (all it has in flight: queued here, in the socket, in the relays) at its delivery rate,
         * then half its minimum RTT. Not the smoothed RTT: that one carries the queues of the moment it
         * was sampled, and a path that stops being used would keep a stale, high figure and never be
         * chosen again.
         */
        static double arrival(PathView p, int packetBytes) {
            long rtt = p.minRttNanos() >= 0 ? p.minRttNanos() : p.smoothedRttNanos();
            if (p.deliveryRate() <= 0 || rtt < 0) {
                return 0; // not measured yet: try it
            }
            double queue = (double) (p.bytesInFlight() + packetBytes) / p.deliveryRate();
            double penalty = p.state() == PathView.State.SUSPECT ? 1.0 : 0; // a suspect path must first prove it moves
            return queue + rtt / 2e9 + penalty;
        }
    }
}

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
 * Linux MPTCP scheduler estimates — among the paths with room. When the path where it
 * would arrive first has no room, but waiting for that path still gets the packet there sooner than
 * any path with room, it waits and leaves the slow path idle (ECF, Lim et al., CoNEXT 2017): that is
 * what keeps a slow path from holding the receiver's reorder buffer hostage.
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
        return "earliest expected arrival (queue / rate + RTT / 2); waits for a faster path rather than use a slow one";
    }

    @Override
    public PathScheduler create(Options options) {
        options.requireOnly(Set.of());
        return new LatencyAware();
    }

    static final class LatencyAware implements PathScheduler {
        @Override
        public PathView select(List<PathView> paths, int packetBytes) {
            PathView fastest = null;
            PathView bestWithRoom = null;
            for (PathView p : paths) {
                if (p.state() != PathView.State.UP && p.state() != PathView.State.SUSPECT) {
                    continue;
                }
                if (fastest == null || arrival(p, packetBytes) < arrival(fastest, packetBytes)) {
                    fastest = p;
                }
                if (p.hasRoom(packetBytes)
                        && (bestWithRoom == null || arrival(p, packetBytes) < arrival(bestWithRoom, packetBytes))) {
                    bestWithRoom = p;
                }
            }
            if (fastest == null || fastest == bestWithRoom || bestWithRoom == null) {
                return bestWithRoom;
            }
            // The fastest path is full: waiting for room there, then arriving, may still beat the others.
            double viaFastest = waitForRoom(fastest, packetBytes) + arrival(fastest, packetBytes);
            return viaFastest < arrival(bestWithRoom, packetBytes) ? null : bestWithRoom;
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

        /** Seconds until {@code p}'s window has room for the packet, at its delivery rate. */
        static double waitForRoom(PathView p, int packetBytes) {
            long excess = p.bytesInFlight() + packetBytes - p.windowBytes();
            return excess <= 0 || p.deliveryRate() <= 0 ? 0 : (double) excess / p.deliveryRate();
        }
    }
}

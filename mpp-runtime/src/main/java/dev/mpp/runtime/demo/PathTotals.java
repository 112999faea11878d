package dev.mpp.runtime.demo;

import dev.mpp.runtime.Node;
import dev.mpp.runtime.session.PathStats;
import dev.mpp.runtime.session.Session;
import dev.mpp.runtime.session.SessionSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Payload bytes per path, summed over every session a node has opened: those open now (their
 * {@link Session#pathStats()}) and those that ended (their {@link SessionSummary}). The node keeps
 * the last 64 ended sessions; each is added once, when first seen, so sampling a few times a second
 * misses none unless more than 64 sessions end between two samples.
 */
final class PathTotals {
    /** One path's bytes: {@code down} arrived at the node (from the destination), {@code up} left it. */
    record PathBytes(String path, long down, long up) {
        long both() {
            return down + up;
        }
    }

    /** The totals at a moment, in the order of the route's paths. */
    record Sample(long atNanos, List<PathBytes> paths, int openSessions, int endedSessions) {
        long both() {
            return paths.stream().mapToLong(PathBytes::both).sum();
        }
    }

    private final Node node;
    /** Bytes of the sessions that ended, by path. Guarded by this, like the fields below. */
    private final Map<String, long[]> ended = new LinkedHashMap<>();
    private Set<SessionSummary> counted = Collections.newSetFromMap(new IdentityHashMap<>());
    private int endedSessions;

    PathTotals(Node node, List<String> paths) {
        this.node = node;
        paths.forEach(p -> ended.put(p, new long[2]));
    }

    synchronized Sample sample() {
        // Ended first, open second: a session that ends in between is missed once rather than counted twice.
        List<SessionSummary> endedNow = node.endedSessions();
        Set<SessionSummary> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SessionSummary summary : endedNow) {
            seen.add(summary);
            if (!counted.contains(summary)) {
                endedSessions++;
                summary.paths().forEach(p -> add(ended, p));
            }
        }
        counted = seen; // summaries the node no longer keeps will not come back
        Map<String, long[]> now = new LinkedHashMap<>();
        ended.forEach((path, bytes) -> now.put(path, bytes.clone()));
        List<Session> open = node.sessions();
        for (Session session : open) {
            session.pathStats().forEach(p -> add(now, p));
        }
        List<PathBytes> result = new ArrayList<>();
        now.forEach((path, bytes) -> result.add(new PathBytes(path, bytes[0], bytes[1])));
        return new Sample(System.nanoTime(), result, open.size(), endedSessions);
    }

    /** Adds a path's counters to its entry; a path the route does not name (none, today) gets an entry of its own. */
    private static void add(Map<String, long[]> totals, PathStats stats) {
        long[] bytes = totals.computeIfAbsent(stats.name(), p -> new long[2]);
        bytes[0] += stats.bytesReceived();
        bytes[1] += stats.bytesSent();
    }
}

package dev.mpp.runtime.session;

import java.util.List;

/**
 * What a session did, taken when it ends: how it ended ("done" or "reset: ..."), each path's
 * counters, and how many duplicate packets its receiver dropped.
 */
public record SessionSummary(String label, String endReason, List<PathStats> paths, long duplicatesDropped) {
    public SessionSummary {
        paths = List.copyOf(paths);
    }

    /** Payload bytes all paths sent. */
    public long bytesSent() {
        return paths.stream().mapToLong(PathStats::bytesSent).sum();
    }
}

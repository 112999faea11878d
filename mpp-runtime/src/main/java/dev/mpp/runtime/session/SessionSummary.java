package dev.mpp.runtime.session;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a session did, taken when it ends: how it ended ("done" or "reset: ..."), each path's
 * counters, how many duplicate packets its receiver dropped, and how long it lasted.
 */
public record SessionSummary(String label, String endReason, List<PathStats> paths, long duplicatesDropped,
                             Duration duration) {
    public SessionSummary {
        paths = List.copyOf(paths);
    }

    /** Payload bytes all paths sent. */
    public long bytesSent() {
        return paths.stream().mapToLong(PathStats::bytesSent).sum();
    }

    /**
     * The line a node logs when a session ends, what a production proxy says of each connection:
     * {@code session 1a2b3c4d example.org:443 via 192.0.2.1:7700 done in 3.2 s: path r1 sent 10485760 B
     * received 0 B (resent 3), path r2 sent ...}. Tests and scripts parse it: keep its shape.
     */
    public String logLine() {
        String perPath = paths.stream()
                .map(p -> "path " + p.name() + " sent " + p.bytesSent() + " B received " + p.bytesReceived()
                        + " B (resent " + p.packetsResent() + ")")
                .collect(Collectors.joining(", "));
        return "session " + label + " " + endReason + " in "
                + String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0) + " s: " + perPath;
    }
}

package dev.mpp.testkit;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link SchedulerHarness} run did.
 *
 * @param complete         whether every byte of the stream reached the receiver in order
 * @param elapsed          when the last byte was delivered in order; for an incomplete run, when it stopped
 * @param bytesDelivered   stream bytes delivered in order
 * @param worstReorderWait the longest any packet waited at the receiver for an earlier one: what a
 *                         slow path costs in latency and reorder buffer
 * @param duplicates       copies that arrived after their packet had (re-sends, redundant copies)
 * @param paths            what each path carried, in route order
 * @param sends            every packet given to a path, in time order
 */
public record HarnessReport(boolean complete, Duration elapsed, long bytesDelivered, Duration worstReorderWait,
                            long duplicates, List<PathReport> paths, List<Send> sends) {
    public HarnessReport {
        paths = List.copyOf(paths);
        sends = List.copyOf(sends);
    }

    /**
     * What one path carried: bytes and packets given to it (re-sent packets and redundant copies
     * included), and how many of those packets were re-sent because another path lost them.
     */
    public record PathReport(int index, long bytes, long packets, long resent) {}

    /** One packet given to a path: when, which packet of the stream, to which path, and whether it is a re-send. */
    public record Send(Duration at, long sequence, int path, boolean resend) {}

    /** The report of path {@code index}. */
    public PathReport path(int index) {
        return paths.stream().filter(p -> p.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no path " + index + " in this run"));
    }

    /** Stream bytes delivered per second of the run, in bits per second; 0 for a run that took no time. */
    public double goodputBitsPerSecond() {
        return elapsed.isZero() ? 0 : bytesDelivered * 8e9 / elapsed.toNanos();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder((complete ? "complete" : "INCOMPLETE") + " in " + elapsed.toMillis() + " ms, "
                + bytesDelivered + " B delivered, " + Math.round(goodputBitsPerSecond() / 1e4) / 100.0 + " Mbit/s, worst reorder wait "
                + worstReorderWait.toMillis() + " ms, " + duplicates + " duplicates");
        for (PathReport p : paths) {
            out.append("; path ").append(p.index()).append(": ").append(p.bytes()).append(" B in ").append(p.packets())
                    .append(" packets (").append(p.resent()).append(" re-sent)");
        }
        return out.toString();
    }
}

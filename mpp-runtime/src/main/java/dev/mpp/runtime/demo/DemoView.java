package dev.mpp.runtime.demo;

import dev.mpp.api.HostPort;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the demo shows: how to try it, then each path's throughput until it is stopped, then the
 * totals. On a terminal the paths are bars redrawn in place with plain ANSI escapes, four times a
 * second; otherwise (a pipe, a file, a test) one line per second that a program can parse:
 *
 * <pre>
 * [   3 s] r1 19.8 Mbit/s 2457600 bytes | r2 29.7 Mbit/s 3686400 bytes | r3 49.5 Mbit/s 6144000 bytes | sessions: 1 open, 0 ended
 * </pre>
 *
 * Rates are payload bits per second over the last second, both directions together; bytes are
 * payload bytes both ways since the start. {@link #run} draws on the calling thread; {@link #stop}
 * and {@link #printTotals} may be called from any other (a shutdown hook).
 */
public final class DemoView {
    private static final long TERMINAL_REFRESH_MILLIS = 250;
    private static final long PLAIN_REFRESH_MILLIS = 1000;
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BAR_CELLS = 40;
    private static final String CLEAR_LINE = "\r\033[2K";

    private final Demo demo;
    private final PathTotals totals;
    private final PrintStream out;
    private final boolean terminal;
    private final char full;
    private final char capacity;
    private final long started = System.nanoTime();
    private final Deque<PathTotals.Sample> window = new ArrayDeque<>();
    private boolean stopped; // guarded by this
    private int linesDrawn; // guarded by this

    /**
     * @param terminal whether {@code out} is a terminal: bars redrawn in place, rather than a line per second
     */
    public DemoView(Demo demo, PrintStream out, boolean terminal) {
        this.demo = demo;
        this.totals = demo.totals();
        this.out = out;
        this.terminal = terminal;
        boolean unicode = StandardCharsets.UTF_8.equals(out.charset());
        this.full = unicode ? '█' : '#';
        this.capacity = unicode ? '░' : '.';
    }

    public void printIntro() {
        out.printf("MPP demo: one download split over three paths, all on this machine (loopback only).%n%n");
        out.printf("  destination  %s  %s, SHA-256 %s%n", demo.url(), Units.bytes(demo.file().size()), demo.file().sha256());
        out.printf("  node A       SOCKS5 %s, a route to the destination over r1, r2 and r3, scheduler %s%n",
                address(demo.socksAddress()), demo.scheduler());
        for (Demo.DemoPath path : demo.paths()) {
            out.printf("  path %s      %s one-way, a shaped link on %s to the relay (an MPP node's SOCKS5 listener)%n",
                    path.name(), path.shape(), address(path.link()));
        }
        out.printf("  node B       the peer port; it puts the stream back in order and fetches from the destination%n%n");
        out.printf("Try it in another terminal:%n%n  curl --socks5-hostname %s %s -o demo.bin && sha256sum demo.bin%n%n",
                address(demo.socksAddress()), demo.url());
        out.printf("Other schedulers: mpp demo --scheduler NAME (mpp plugins lists them). Ctrl-C stops the demo.%n%n");
        out.flush();
    }

    /** Draws until {@link #stop}; the calling thread is the one that draws. */
    public void run() {
        long period = terminal ? TERMINAL_REFRESH_MILLIS : PLAIN_REFRESH_MILLIS;
        try {
            while (draw()) {
                Thread.sleep(period);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends {@link #run} after the frame being drawn, if any. */
    public synchronized void stop() {
        stopped = true;
    }

    /** Payload bytes per path since the start, each way; call after {@link #stop} and closing the demo. */
    public synchronized void printTotals() {
        PathTotals.Sample last = totals.sample();
        long all = Math.max(1, last.both());
        int sessions = last.endedSessions() + last.openSessions();
        out.printf("%nStopped. Payload bytes per path over %d %s:%n", sessions, sessions == 1 ? "session" : "sessions");
        for (PathTotals.PathBytes p : last.paths()) {
            out.printf(Locale.ROOT, "  %-3s %-22s %12d bytes down %12d bytes up  %3d%%%n", p.path(), shapeOf(p.path()),
                    p.down(), p.up(), Math.round(100.0 * p.both() / all));
        }
        long down = last.paths().stream().mapToLong(PathTotals.PathBytes::down).sum();
        long up = last.paths().stream().mapToLong(PathTotals.PathBytes::up).sum();
        out.printf(Locale.ROOT, "  %-26s %12d bytes down %12d bytes up%n", "all", down, up);
        out.flush();
    }

    /** Samples and draws one frame; false once stopped. */
    private synchronized boolean draw() {
        if (stopped) {
            return false;
        }
        PathTotals.Sample now = totals.sample();
        window.addLast(now);
        while (window.size() > 2 && now.atNanos() - window.getFirst().atNanos() > RATE_WINDOW_NANOS) {
            window.removeFirst();
        }
        PathTotals.Sample then = window.getFirst();
        double seconds = Math.max(1e-3, (now.atNanos() - then.atNanos()) / 1e9);
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < now.paths().size(); i++) {
            long before = i < then.paths().size() ? then.paths().get(i).both() : 0;
            // A session that ended between the two reads of a sample is missed once: never show a negative rate.
            rates.add(Math.max(0, now.paths().get(i).both() - before) * 8 / seconds);
        }
        if (terminal) {
            drawBars(now, rates);
        } else {
            drawLine(now, rates);
        }
        out.flush();
        return true;
    }

    private void drawLine(PathTotals.Sample now, List<Double> rates) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%4d s]",
                TimeUnit.NANOSECONDS.toSeconds(now.atNanos() - started)));
        for (int i = 0; i < now.paths().size(); i++) {
            PathTotals.PathBytes p = now.paths().get(i);
            line.append(String.format(Locale.ROOT, " %s %.1f Mbit/s %d bytes |", p.path(), rates.get(i) / 1e6, p.both()));
        }
        line.append(" sessions: ").append(now.openSessions()).append(" open, ").append(now.endedSessions()).append(" ended");
        out.println(line);
    }

    private void drawBars(PathTotals.Sample now, List<Double> rates) {
        if (linesDrawn > 0) {
            out.print("\033[" + linesDrawn + "A"); // back to the first line of the last frame
        }
        long widest = demo.paths().stream().mapToLong(p -> p.shape().bitsPerSecond()).max().orElse(1);
        double all = 0;
        for (int i = 0; i < now.paths().size(); i++) {
            PathTotals.PathBytes p = now.paths().get(i);
            double rate = rates.get(i);
            all += rate;
            long own = demo.paths().stream().filter(s -> s.name().equals(p.path()))
                    .mapToLong(s -> s.shape().bitsPerSecond()).findFirst().orElse(widest);
            int filled = (int) Math.min(BAR_CELLS, Math.round(rate / widest * BAR_CELLS));
            int ownCells = (int) Math.round((double) own / widest * BAR_CELLS);
            String bar = String.valueOf(full).repeat(filled) + String.valueOf(capacity).repeat(Math.max(0, ownCells - filled))
                    + " ".repeat(BAR_CELLS - Math.max(filled, ownCells));
            out.printf(Locale.ROOT, "%s  %-3s %-22s %s %6.1f Mbit/s %10s%n", CLEAR_LINE, p.path(), shapeOf(p.path()), bar,
                    rate / 1e6, Units.bytes(p.both()));
        }
        out.printf(Locale.ROOT, "%s  %-26s %s %6.1f Mbit/s %10s   sessions: %d open, %d ended%n", CLEAR_LINE, "all",
                " ".repeat(BAR_CELLS), all / 1e6, Units.bytes(now.both()), now.openSessions(), now.endedSessions());
        linesDrawn = now.paths().size() + 1;
    }

    private String shapeOf(String path) {
        return demo.paths().stream().filter(p -> p.name().equals(path)).map(p -> p.shape().toString()).findFirst().orElse("");
    }

    private static String address(InetSocketAddress address) {
        return new HostPort(address.getAddress().getHostAddress(), address.getPort()).toString();
    }
}

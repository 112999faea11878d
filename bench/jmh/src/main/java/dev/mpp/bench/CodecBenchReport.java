package dev.mpp.bench;

import dev.mpp.api.Options;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link FrameCodecBench} and writes the section {@code ## Frame codecs} of
 * {@code docs/benchmarks.md}, leaving the file's other sections as they are.
 *
 * <p>Usage: {@code java -jar benchmarks.jar docs/benchmarks.md}.
 */
public final class CodecBenchReport {
    private static final String SECTION = "## Frame codecs";
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final List<String> JVM_ARGS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length != 1) {
            System.err.println("usage: java -jar benchmarks.jar <path of benchmarks.md>");
            System.exit(2);
        }
        String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).split(" ")[0] : "?";
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(FrameCodecBench.class.getName())
                .include(MemoryCopyBench.class.getName())
                // A fixed, pre-touched heap: otherwise first-touch page faults in a fresh eden (very
                // costly in some sandboxes) dominate every allocating benchmark and swing it 20-fold.
                .jvmArgsAppend(JVM_ARGS.toArray(String[]::new))
                .build()).run();
        // "decode[binary]" -> ns per op; the baselines have no framing parameter.
        Map<String, Double> nanos = new LinkedHashMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String framing = r.getParams().getParam("framing");
            // The median of the iterations: other work on a shared machine shows up as outliers.
            double[] scores = r.getBenchmarkResults().stream()
                    .flatMap(b -> b.getIterationResults().stream())
                    .mapToDouble(i -> i.getPrimaryResult().getScore())
                    .sorted().toArray();
            nanos.put(framing == null ? method : method + "[" + framing + "]", scores[scores.length / 2]);
        }
        Path file = Path.of(args[0]);
        String section = section(nanos, load);
        Files.writeString(file, replaceSection(Files.exists(file) ? Files.readString(file) : "# Benchmarks\n", section));
        System.out.println(section);
    }

    static String section(Map<String, Double> nanos, String load) {
        double copy = nanos.get("baselineArraycopy");
        double allocCopy = nanos.get("baselineAllocateAndCopy");
        var s = new StringBuilder(SECTION).append("\n\n");
        s.append("Encode and decode of one DATA frame with a 16 KiB payload, on one core (JMH, `bench/codec-bench.sh`; ")
                .append("time per frame is the median of 8 one-second iterations; GiB/s is payload bytes per second). ")
                .append("Ratios compare with copying ")
                .append("the same 16 KiB with `System.arraycopy` into an existing array; decode also has to allocate ")
                .append("the payload array it hands out, so *new byte[] + copy* is its floor.\n\n");
        s.append("| operation | framing | ns/frame | GiB/s | × arraycopy time |\n|---|---|---:|---:|---:|\n");
        row(s, "baseline: System.arraycopy 16 KiB", "—", copy, copy);
        row(s, "baseline: new byte[16 KiB] + copy", "—", allocCopy, copy);
        row(s, "baseline: ByteBuffer.put 16 KiB", "—", nanos.get("baselineBufferPut"), copy);
        for (String framing : List.of("binary", "text")) {
            for (String op : List.of("encode", "decode", "encodeDecode")) {
                row(s, op.equals("encodeDecode") ? "encode + decode" : op, framing, nanos.get(op + "[" + framing + "]"), copy);
            }
        }
        s.append("\nWire overhead of a DATA frame (header bytes / payload bytes):\n\n");
        s.append("| framing | payload | header bytes | overhead |\n|---|---:|---:|---:|\n");
        for (String framing : List.of("binary", "text")) {
            FrameCodec codec = FrameCodecBench.provider(framing).create(Options.empty("framing"));
            for (int payload : List.of(1024, 16 * 1024, 64 * 1024)) {
                for (long seq : List.of(0L, -1L)) {
                    int header = encodedSize(codec, new Frame.Data(seq, new byte[payload])) - payload;
                    s.append("| %s | %d B, seq %s | %d | %.3f %% |\n".formatted(framing, payload, Long.toUnsignedString(seq),
                            header, 100.0 * header / payload));
                }
            }
        }
        s.append("\nMachine: ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores visible, shared with other work; JDK ").append(Runtime.version())
                .append(", `").append(String.join(" ", JVM_ARGS)).append("`")
                .append("; load average ").append(load).append(" when the run started")
                .append("; measured ").append(LocalDate.now()).append(".\n");
        return s.toString();
    }

    private static void row(StringBuilder s, String op, String framing, double ns, double copy) {
        s.append("| %s | %s | %.0f | %.2f | %.2f |\n".formatted(op, framing, ns, FrameCodecBench.PAYLOAD / ns * 1e9 / GIB, ns / copy));
    }

    private static int encodedSize(FrameCodec codec, Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(codec.maxEncodedSize(frame));
        codec.encode(frame, out);
        return out.position();
    }

    private static String cpu() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** Replaces the section from its heading to the next {@code ## } heading, or appends it. */
    static String replaceSection(String doc, String section) {
        List<String> lines = new ArrayList<>(doc.lines().toList());
        int start = lines.indexOf(SECTION);
        if (start < 0) {
            return doc.stripTrailing() + "\n\n" + section;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        String before = String.join("\n", lines.subList(0, start));
        String after = String.join("\n", lines.subList(end, lines.size()));
        return (before.isEmpty() ? "" : before + "\n") + section + (after.isEmpty() ? "" : "\n" + after + "\n");
    }
}

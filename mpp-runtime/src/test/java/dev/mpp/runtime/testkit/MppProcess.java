package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mpp run --config FILE} as a child process, on the module path this test JVM runs with
 * (the runtime, the plugins, Jackson, slf4j), optionally wrapped (e.g. to run inside a
 * {@link NetNamespace}). It learns its ports from the "SOCKS5 listening on" and "MPP peer port
 * listening on" log lines, so {@code "listen": "127.0.0.1:0"} works in both sections. {@link #close}
 * sends SIGTERM, then kills after a grace.
 */
public final class MppProcess implements AutoCloseable {
    // The white space after the port: a line still being written is not read as a shorter port.
    private static final Pattern SOCKS_LISTENING = Pattern.compile("SOCKS5 listening on \\S*:(\\d+)\\s");
    private static final Pattern PEER_LISTENING = Pattern.compile("MPP peer port listening on \\S*:(\\d+)\\s");
    private static final long START_SECONDS = 20;
    /** A node with both listeners logs the peer port's line right after the SOCKS one. */
    private static final long PEER_PORT_SECONDS = 10;

    private final Process process;
    /**
     * The child's stdout and stderr go to this file rather than a pipe: when a child exits, the
     * JDK closes its pipes under a concurrent reader, and the last lines (the shutdown log) are lost.
     */
    private final Path log;

    private MppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Writes {@code configJson} to a file in {@code dir} and starts {@code mpp run} with it,
     * the command line passed through {@code wrap}. Returns once the node is listening.
     */
    public static MppProcess start(String configJson, Path dir, UnaryOperator<List<String>> wrap) {
        try {
            Path config = Files.createTempFile(dir, "mpp-", ".json");
            Files.writeString(config, configJson);
            Path log = Files.createTempFile(dir, "mpp-", ".log");
            Process process = new ProcessBuilder(wrap.apply(command(config)))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MppProcess mpp = new MppProcess(process, log);
            mpp.awaitListening();
            return mpp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java -p <this JVM's module path> -m dev.mpp.runtime/...Main run --config FILE}. */
    static List<String> command(Path config) {
        String modulePath = System.getProperty("jdk.module.path", "");
        for (String module : List.of("mpp-runtime", "mpp-api", "socks5", "auth", "jackson-databind", "slf4j-api")) {
            if (!modulePath.contains(module)) {
                throw new AssertionError("the test JVM's module path lacks " + module + ": " + modulePath);
            }
        }
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String hosts = System.getProperty("jdk.net.hosts.file");
        if (hosts != null) {
            argv.add("-Djdk.net.hosts.file=" + hosts); // never ask a DNS server, as in this JVM
        }
        argv.add("-XX:TieredStopAtLevel=1"); // starts faster; these nodes carry little
        argv.addAll(List.of("-p", modulePath, "-m", "dev.mpp.runtime/dev.mpp.runtime.cli.Main",
                "run", "--config", config.toString()));
        return argv;
    }

    /** Waits for the first "listening on" line, of either listener: a node may have only a peer port. */
    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!listening()) {
            if (!process.isAlive() && !listening()) {
                throw new AssertionError("mpp run exited with " + process.exitValue() + " before listening:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError("mpp run did not log 'listening on' within " + START_SECONDS + " s:\n" + output());
            }
            Await.sleep(20);
        }
    }

    private boolean listening() {
        String output = output();
        return SOCKS_LISTENING.matcher(output).find() || PEER_LISTENING.matcher(output).find();
    }

    /** The port in the first line {@code line} matches, or -1 before there is one. */
    private int port(Pattern line) {
        Matcher m = line.matcher(output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The port of the node's SOCKS5 listener. A node logs it before anything else, so once
     * {@link #start} returned it is there or the node has no SOCKS listener.
     */
    public int socksPort() {
        int port = port(SOCKS_LISTENING);
        if (port < 0) {
            throw new AssertionError("the node logged no 'SOCKS5 listening on' (has it a socks section?):\n" + output());
        }
        return port;
    }

    /** The port of the node's MPP peer port; waits up to 10 s for its log line. */
    public int peerPort() {
        if (!Await.until(() -> port(PEER_LISTENING) >= 0, TimeUnit.SECONDS.toMillis(PEER_PORT_SECONDS))) {
            throw new AssertionError("the node logged no 'MPP peer port listening on' within " + PEER_PORT_SECONDS
                    + " s (has its mpp section a listen address?):\n" + output());
        }
        return port(PEER_LISTENING);
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the process prints {@code text} within {@code seconds}. */
    public boolean printed(String text, long seconds) {
        return Await.until(() -> output().contains(text), TimeUnit.SECONDS.toMillis(seconds));
    }

    public Process process() {
        return process;
    }

    /** SIGTERM; waits {@code seconds} for the process to end; returns its exit code, or -1 if it had to be killed. */
    public int stop(long seconds) {
        process.destroy();
        try {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(10);
        }
    }
}

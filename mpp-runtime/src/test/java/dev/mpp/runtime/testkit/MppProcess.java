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
 * {@link NetNamespace}). It learns the SOCKS port from the "SOCKS5 listening on" log line, so
 * {@code "listen": "127.0.0.1:0"} works. {@link #close} sends SIGTERM, then kills after a grace.
 */
public final class MppProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("SOCKS5 listening on \\S*:(\\d+)");
    private static final long START_SECONDS = 20;

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

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (port() < 0) {
            if (!process.isAlive() && port() < 0) {
                throw new AssertionError("mpp run exited with " + process.exitValue() + " before listening:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError("mpp run did not log 'SOCKS5 listening on' within " + START_SECONDS + " s:\n"
                        + output());
            }
            Await.sleep(20);
        }
    }

    /** The port in the "listening" log line, or -1 before it. */
    private int port() {
        Matcher m = LISTENING.matcher(output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The port of the node's SOCKS5 listener. */
    public int socksPort() {
        return port();
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

package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A third-party SOCKS5 server as a child process on a free loopback port, for interop tests:
 * Dante ({@code danted}) or microsocks. Each needs its program installed; a missing one fails the
 * test with the package to install. {@link #close} stops the process and every process it forked
 * (Dante runs a pool of children).
 */
public final class RelayProcess implements AutoCloseable {
    private static final long START_MILLIS = 10_000;

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private RelayProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Dante: no authentication, accepts clients from and connects to 127.0.0.0/8 only. As root it
     * drops to {@code nobody} for what it need not do as root, as Debian's own config does.
     */
    public static RelayProcess dante(Path dir) {
        Command.require("danted", "dante-server");
        int port = freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        String config = "logoutput: stderr\n"
                + "internal: 127.0.0.1 port = " + port + "\n"
                + "external: 127.0.0.1\n"
                + "socksmethod: none\n"
                + "clientmethod: none\n"
                + (root ? "user.privileged: root\nuser.unprivileged: nobody\n" : "")
                + "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
                + "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }\n"
                + "socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }\n";
        try {
            Path file = Files.createTempFile(dir, "danted-", ".conf");
            Files.writeString(file, config);
            Path pid = dir.resolve(file.getFileName() + ".pid");
            return start("danted", List.of("danted", "-f", file.toString(), "-p", pid.toString()), port, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** microsocks: no authentication, on 127.0.0.1. */
    public static RelayProcess microsocks(Path dir) {
        Command.require("microsocks", "microsocks");
        int port = freePort();
        return start("microsocks", List.of("microsocks", "-i", "127.0.0.1", "-p", String.valueOf(port)), port, dir);
    }

    private static int freePort() {
        try {
            return TcpFixture.closedPort("127.0.0.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code argv}, its output into a log in {@code dir}; returns once {@code port} accepts. */
    private static RelayProcess start(String name, List<String> argv, int port, Path dir) {
        try {
            Path log = Files.createTempFile(dir, name + "-", ".log");
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RelayProcess relay = new RelayProcess(name, process, port, log);
            if (!Await.until(() -> !process.isAlive() || accepts(port), START_MILLIS) || !process.isAlive()) {
                relay.close();
                throw new AssertionError(name + " did not start listening on 127.0.0.1:" + port + " within "
                        + START_MILLIS + " ms (exit " + (process.isAlive() ? "-" : process.exitValue()) + "):\n"
                        + relay.output());
            }
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
    }

    @SuppressWarnings("try") // connecting is the test; the socket itself is not used
    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code socks5://127.0.0.1:port}, for a route's {@code via}. */
    public String uri() {
        return "socks5://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Everything the relay printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM to the process and its children; SIGKILL to whatever is left after 5 s. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port;
    }
}

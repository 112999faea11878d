package dev.mpp.runtime.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux network namespace of the test's own, so a test can cause real network failures
 * (unreachable networks and hosts, timeouts) without sending a packet off this machine. It starts
 * with only {@code lo}, which {@link #create} brings up. Needs root and {@code ip} (iproute2).
 * {@link #close} deletes it, and with it every interface and route made inside; one left behind by
 * a killed test JVM is deleted by the next {@link #create}.
 */
public final class NetNamespace implements AutoCloseable {
    private static final String PREFIX = "mpp-t-";
    private static final Pattern STALE = Pattern.compile("(" + PREFIX + "(\\d+)-\\d+)\\b");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code mpp-t-<pid>-<n>} and brings its loopback up; fails with the reason if that is not permitted. */
    public static NetNamespace create() {
        Command.require("ip", "iproute2");
        deleteStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Command.Result added = Command.run(List.of("ip", "netns", "add", name), 10);
        if (added.exitCode() != 0) {
            throw new AssertionError("'ip netns add " + name + "' failed (these tests need root, as in CI): "
                    + added.stderr().strip());
        }
        NetNamespace namespace = new NetNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
            return namespace;
        } catch (RuntimeException | Error e) {
            namespace.close();
            throw e;
        }
    }

    /** Deletes namespaces left behind by test JVMs that were killed before they could clean up. */
    private static void deleteStale() {
        Command.Result list = Command.run(List.of("ip", "netns", "list"), 10);
        for (String line : list.out().split("\n")) {
            Matcher m = STALE.matcher(line);
            if (m.lookingAt() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                Command.run(List.of("ip", "netns", "delete", m.group(1)), 10);
            }
        }
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip ARGS...} inside the namespace; fails with its error output if it fails. */
    public void ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
        argv.addAll(List.of(args));
        Command.Result result = Command.run(argv, 10);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + result.stderr().strip());
        }
    }

    /** {@code argv} prefixed so that it runs inside the namespace. */
    public List<String> inside(List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Starts {@code argv} inside the namespace with its standard streams as pipes. */
    public Process start(List<String> argv) {
        try {
            return new ProcessBuilder(inside(argv)).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot start " + argv + " in " + name, e);
        }
    }

    /** Deletes the namespace; processes still inside keep it alive until they end, so stop them first. */
    @Override
    public void close() {
        Command.Result deleted = Command.run(List.of("ip", "netns", "delete", name), 10);
        if (deleted.exitCode() != 0) {
            throw new AssertionError("'ip netns delete " + name + "' failed: " + deleted.stderr().strip());
        }
    }
}

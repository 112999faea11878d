package dev.mpp.runtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What this JVM holds, measured before a test case and checked after it: the case must leave
 * behind no thread (platform or virtual) and no file descriptor that was not there before, and
 * the nodes must serve no connection.
 *
 * <p>Measure after the node has served one client, so the JDK's lazily started helpers (virtual
 * thread pollers and timers, the node's timer thread) are part of the baseline. Platform threads
 * of fork-join pools are not counted: the JDK grows and shrinks them on its own (the virtual
 * thread scheduler's carriers, the common pool), and they run no server code of their own. Nor
 * is JUnit's timeout watcher, which JUnit starts with the first {@code @Timeout} test method,
 * after that test's {@code @BeforeEach} measured the baseline.
 * Virtual threads are counted from a JSON thread dump, the one view the JDK gives of them.
 */
public final class ResourceBaseline {
    /** How long leftovers may take to go away: sockets close and threads end asynchronously. */
    private static final long SETTLE_MILLIS = 5_000;

    private final Set<Thread> platform;
    private final Map<Long, String> virtual;
    private final Map<String, String> descriptors;

    private ResourceBaseline(Set<Thread> platform, Map<Long, String> virtual, Map<String, String> descriptors) {
        this.platform = platform;
        this.virtual = virtual;
        this.descriptors = descriptors;
    }

    /** Threads and file descriptors now. */
    public static ResourceBaseline measure() {
        warmUp();
        return new ResourceBaseline(platformThreads(), virtualThreads(), descriptors());
    }

    /**
     * Waits (up to 5 s) until every node serves no connection and this JVM holds no thread and no
     * file descriptor that it did not hold at the baseline; fails with what is left over otherwise.
     */
    public void assertRestored(RunningNode... nodes) {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        String leftovers;
        while (true) {
            leftovers = leftovers(nodes);
            if (leftovers.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not back at the baseline after " + SETTLE_MILLIS + " ms: " + leftovers);
            }
            Await.sleep(50);
        }
    }

    private String leftovers(RunningNode... nodes) {
        List<String> problems = new ArrayList<>();
        for (RunningNode node : nodes) {
            if (node.openConnections() != 0) {
                problems.add(node.openConnections() + " connections still open on " + node);
            }
        }
        List<String> newPlatform = platformThreads().stream().filter(t -> !platform.contains(t)).map(Thread::getName)
                .sorted().toList();
        if (!newPlatform.isEmpty()) {
            problems.add("new platform threads " + newPlatform);
        }
        Map<String, String> now = descriptors();
        List<String> newDescriptors = now.entrySet().stream()
                .filter(e -> !e.getValue().equals(descriptors.get(e.getKey())))
                .map(e -> e.getKey() + "->" + e.getValue()).sorted().toList();
        if (!newDescriptors.isEmpty()) {
            problems.add("file descriptors " + descriptors.size() + " -> " + now.size() + ", new " + newDescriptors);
        }
        if (problems.isEmpty()) {
            // The thread dump is the slow check, and the one that allocates: only when the rest passed. While a
            // descriptor is left over, polling allocates little, so a garbage collection is unlikely to close
            // an unreachable leaked socket (through its Cleaner) and hide the leak.
            List<String> newVirtual = virtualThreads().entrySet().stream().filter(e -> !virtual.containsKey(e.getKey()))
                    .map(e -> e.getKey() + ":" + e.getValue()).sorted().toList();
            if (!newVirtual.isEmpty()) {
                problems.add("new virtual threads " + newVirtual);
            }
        }
        return String.join("; ", problems);
    }

    private static Set<Thread> platformThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !(t instanceof ForkJoinWorkerThread) && !t.getName().equals("junit-jupiter-timeout-watcher")) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** The open file descriptors of this process, number to what it points at (a file, {@code socket:[inode]}, …). */
    private static Map<String, String> descriptors() {
        Map<String, String> open = new HashMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.startsWith("/proc/")) { // the listing's own descriptor
                        open.put(fd.getFileName().toString(), target);
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // it went away between the listing and the look
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd (these tests need Linux)", e);
        }
        return open;
    }

    // HotSpotDiagnosticMXBean lives in jdk.management, which this (patched) module does not read;
    // reflection needs no readability, and the module is in the boot layer when tests run.
    private static final AtomicInteger DUMPS = new AtomicInteger();
    private static final Path DUMP_DIR;
    private static final Object DIAGNOSTIC_BEAN;
    private static final Method DUMP_THREADS;
    private static final Object JSON_FORMAT;

    static {
        try {
            DUMP_DIR = Files.createTempDirectory("mpp-thread-dumps");
            DUMP_DIR.toFile().deleteOnExit();
            Class<?> beanType = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Class<?> formatType = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
            DIAGNOSTIC_BEAN = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getPlatformMXBean", Class.class).invoke(null, beanType);
            DUMP_THREADS = beanType.getMethod("dumpThreads", String.class, formatType);
            JSON_FORMAT = Arrays.stream(formatType.getEnumConstants()).filter(c -> c.toString().equals("JSON"))
                    .findFirst().orElseThrow();
        } catch (ReflectiveOperationException | IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Live virtual threads: id to name. */
    private static Map<Long, String> virtualThreads() {
        Path file = DUMP_DIR.resolve("threads-" + DUMPS.incrementAndGet() + ".json");
        try {
            DUMP_THREADS.invoke(DIAGNOSTIC_BEAN, file.toString(), JSON_FORMAT);
            JsonNode dump = new ObjectMapper().readTree(file.toFile());
            Map<Long, String> threads = new HashMap<>();
            for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
                for (JsonNode thread : container.path("threads")) {
                    if (thread.path("virtual").asBoolean(false)) {
                        threads.put(thread.path("tid").asLong(), thread.path("name").asText());
                    }
                }
            }
            return threads;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot dump threads", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the directory goes at exit
            }
        }
    }

    /**
     * Starts what the JDK starts the first time a virtual thread sleeps (its timer) and the first
     * time one waits for a socket (the poller threads), so neither is counted as new.
     */
    @SuppressWarnings("try") // the client socket only has to exist, so that accept() returns
    private static void warmUp() {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            accepted.setSoTimeout(1);
            Thread.ofVirtual().start(() -> {
                Await.sleep(1);
                try {
                    accepted.getInputStream().read(); // nothing comes: the thread parks on the poller
                } catch (IOException expected) {
                    // the 1 ms timeout
                }
            }).join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return platform.size() + " platform threads, " + virtual.size() + " virtual threads, " + descriptors.size()
                + " file descriptors: " + platform.stream().map(Thread::getName).sorted().collect(Collectors.joining(", "));
    }
}

package dev.mpp.runtime.net;

import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.api.spi.Inbound;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket and its connections: a named accept thread, one virtual thread per
 * connection, a cap on connections in total and per client address, an absolute handshake
 * deadline, and a graceful shutdown that stops accepting, lets connections drain for a grace
 * period, then closes what is left.
 */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    /** The limits a listener enforces. */
    public record Limits(int maxConnections, int maxConnectionsPerClient, Duration handshakeTimeout) {}

    private final String name;
    private final ServerSocket server;
    private final Inbound inbound;
    private final Limits limits;
    private final Predicate<InetAddress> admits;
    private final ScheduledExecutorService timers;
    private final Semaphore permits;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptThread;

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param admits which client addresses may connect at all
     */
    public Listener(String name, InetSocketAddress address, Inbound inbound, Limits limits, Predicate<InetAddress> admits,
                    ScheduledExecutorService timers) throws IOException {
        this.name = name;
        this.inbound = inbound;
        this.limits = limits;
        this.admits = admits;
        this.timers = timers;
        this.permits = new Semaphore(limits.maxConnections());
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 1024);
        this.acceptThread = Thread.ofPlatform().name(name + "-accept-" + server.getLocalPort()).daemon(false)
                .start(this::acceptLoop);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Connections being served now. */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("{}: accept failed: {}", name, e.getMessage());
                }
                continue;
            }
            admit(socket);
        }
    }

    private void admit(Socket socket) {
        InetAddress client = socket.getInetAddress();
        if (!admits.test(client)) {
            log.info("{}: {} refused by an access rule", name, client.getHostAddress());
            closeQuietly(socket);
            return;
        }
        if (!permits.tryAcquire()) {
            log.warn("{}: {} refused: {} connections already open", name, client.getHostAddress(), limits.maxConnections());
            closeQuietly(socket);
            return;
        }
        AtomicInteger count = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        if (count.incrementAndGet() > limits.maxConnectionsPerClient()) {
            log.warn("{}: {} refused: {} connections from it already open", name, client.getHostAddress(),
                    limits.maxConnectionsPerClient());
            release(client, count);
            closeQuietly(socket);
            return;
        }
        open.add(socket);
        Thread.ofVirtual().name(name + "-" + socket.getRemoteSocketAddress()).start(() -> serve(socket, client, count));
    }

    private void serve(Socket socket, InetAddress client, AtomicInteger count) {
        ScheduledFuture<?> deadline = timers.schedule(() -> {
            log.debug("{}: handshake deadline passed for {}", name, socket.getRemoteSocketAddress());
            closeQuietly(socket);
        }, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        HandshakeTimer timer = () -> deadline.cancel(false);
        try (socket) {
            socket.setTcpNoDelay(true);
            inbound.serve(socket, timer);
        } catch (IOException e) {
            log.debug("{}: {}: {}", name, socket.getRemoteSocketAddress(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: {}: unexpected failure", name, socket.getRemoteSocketAddress(), e);
        } finally {
            deadline.cancel(false);
            // Permit first: when openConnections() says a connection is gone, its place is free.
            release(client, count);
            open.remove(socket);
        }
    }

    /** Gives back what {@link #admit} took: the permit and the client's count. */
    private void release(InetAddress client, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            perClient.remove(client, count);
        }
        permits.release();
    }

    /** Stops accepting, waits up to {@code grace} for connections to end, then closes the rest. */
    public void close(Duration grace) {
        closeQuietly(server);
        try {
            acceptThread.join();
            long deadline = System.nanoTime() + grace.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!open.isEmpty()) {
            log.info("{}: closing {} connections still open after the grace period", name, open.size());
            open.forEach(Listener::closeQuietly);
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }
}

package dev.mpp.runtime.net;

import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.api.spi.Inbound;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket and its connections: a named accept thread, one virtual thread per
 * connection (each a {@link SocketChannel}, handed to the inbound as its {@link Socket} view, so the
 * relay can move bytes between channels), a cap on connections in total and per client address, an absolute handshake
 * deadline, and a graceful shutdown that stops accepting, lets connections drain for a grace
 * period, then closes what is left.
 */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    /** The limits a listener enforces. */
    public record Limits(int maxConnections, int maxConnectionsPerClient, Duration handshakeTimeout) {}

    private final String name;
    private final ServerSocketChannel server;
    private final Inbound inbound;
    private final Limits limits;
    private final Predicate<InetAddress> admits;
    private final ScheduledExecutorService timers;
    private final Semaphore permits;
    /** Open connections per client address; an address with none has no entry. */
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
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
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        this.acceptThread = Thread.ofPlatform().name(name + "-accept-" + address().getPort()).daemon(false)
                .start(this::acceptLoop);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    /** Connections being served now. */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            Socket socket;
            try {
                socket = server.accept().socket();
            } catch (IOException e) {
                if (server.isOpen()) {
                    // e.g. out of file descriptors: the connection stays in the backlog, so retrying at once would spin.
                    log.warn("{}: accept failed: {}", name, e.getMessage());
                    pause();
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
            Quietly.close(socket);
            return;
        }
        if (!permits.tryAcquire()) {
            log.warn("{}: {} refused: {} connections already open", name, client.getHostAddress(), limits.maxConnections());
            Quietly.close(socket);
            return;
        }
        if (!takeClientPlace(client)) {
            log.warn("{}: {} refused: {} connections from it already open", name, client.getHostAddress(),
                    limits.maxConnectionsPerClient());
            permits.release();
            Quietly.close(socket);
            return;
        }
        open.add(socket);
        try {
            ScheduledFuture<?> deadline = timers.schedule(() -> {
                log.debug("{}: handshake deadline passed for {}", name, socket.getRemoteSocketAddress());
                Quietly.close(socket);
            }, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Thread.ofVirtual().name(name + "-" + socket.getRemoteSocketAddress()).start(() -> serve(socket, client, deadline));
        } catch (RuntimeException e) { // the node is shutting down: the timers are gone
            Quietly.close(socket);
            release(client);
            open.remove(socket);
        }
    }

    private void serve(Socket socket, InetAddress client, ScheduledFuture<?> deadline) {
        HandshakeTimer timer = () -> deadline.cancel(false);
        try (socket) {
            socket.setTcpNoDelay(true);
            // Keepalive finds clients that vanished without a FIN (NAT timeouts, power loss), which would
            // otherwise hold a UDP association or an idle-exempt connection forever.
            socket.setKeepAlive(true);
            inbound.serve(socket, timer);
        } catch (IOException e) {
            log.debug("{}: {}: {}", name, socket.getRemoteSocketAddress(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: {}: unexpected failure", name, socket.getRemoteSocketAddress(), e);
        } finally {
            deadline.cancel(false);
            // Permit first: when openConnections() says a connection is gone, its place is free.
            release(client);
            open.remove(socket);
        }
    }

    /** Counts one more connection from {@code client}, unless it already has its maximum. */
    private boolean takeClientPlace(InetAddress client) {
        boolean[] taken = {false};
        perClient.compute(client, (c, open) -> {
            int n = open == null ? 0 : open;
            if (n >= limits.maxConnectionsPerClient()) {
                return open;
            }
            taken[0] = true;
            return n + 1;
        });
        return taken[0];
    }

    /** Gives back what {@link #admit} took: the permit and the client's place. */
    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (c, open) -> open <= 1 ? null : open - 1);
        permits.release();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, waits up to {@code grace} for connections to end, then closes the rest. */
    public void close(Duration grace) {
        Quietly.close(server);
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
            open.forEach(Quietly::close);
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}

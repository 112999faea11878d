package dev.mpp.runtime.demo;

import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.runtime.net.Listener;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP forwarder on loopback that makes the way to one target behave like a link of a given rate
 * and one-way delay, in both directions: what a shaped route of a testbed does with {@code tc}, without
 * needing root. Each accepted connection is forwarded to the target.
 *
 * <p>Each direction of a connection is a reader and a writer joined by a delay line. The reader
 * takes bytes only as fast as the link's rate allows (a token bucket shared by every connection
 * over the link, as they would share a wire), stamps each chunk with when it may arrive, and puts
 * it in the line; the writer writes each chunk when it is due. The line holds a little more than
 * the link's rate times its delay, which is what a link of that length carries; when it is full
 * the reader stops reading, so TCP back-pressure reaches the sender and nothing grows without bound.
 */
final class ShapedLink implements AutoCloseable {
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_CONNECTIONS = 256;

    /** A link's rate in bits per second and its one-way delay. */
    record Shape(long bitsPerSecond, Duration delay) {
        Shape {
            if (bitsPerSecond <= 0) {
                throw new IllegalArgumentException("bitsPerSecond: " + bitsPerSecond + " (expected: > 0)");
            }
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
            }
        }

        /** "20 Mbit/s, 40 ms". */
        @Override
        public String toString() {
            return Units.bitRate(bitsPerSecond) + ", " + delay.toMillis() + " ms";
        }
    }

    private final InetSocketAddress target;
    private final Shape shape;
    private final Pacer up;
    private final Pacer down;
    private final Listener listener;

    /** Listens on 127.0.0.1 on a free port and forwards every connection to {@code target}. */
    ShapedLink(String name, InetSocketAddress target, Shape shape, ScheduledExecutorService timers) throws IOException {
        this.target = target;
        this.shape = shape;
        this.up = new Pacer(shape.bitsPerSecond() / 8);
        this.down = new Pacer(shape.bitsPerSecond() / 8);
        this.listener = new Listener(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::serve,
                new Listener.Limits(MAX_CONNECTIONS, MAX_CONNECTIONS, Duration.ofSeconds(10)), a -> true, timers);
    }

    InetSocketAddress address() {
        return listener.address();
    }

    Shape shape() {
        return shape;
    }

    /** Stops accepting and closes every connection now. */
    @Override
    public void close() {
        listener.close();
    }

    private void serve(Socket client, HandshakeTimer handshake) throws IOException {
        handshake.done(); // nothing to wait for: the bytes are the client's business
        try (Socket onward = new Socket()) {
            onward.setTcpNoDelay(true);
            onward.connect(target, CONNECT_TIMEOUT_MILLIS);
            Connection connection = new Connection(client, onward);
            connection.run();
        }
    }

    /** Two directions; the first failure anywhere ends all four threads. */
    private final class Connection {
        private final Socket client;
        private final Socket onward;
        private final Thread[] threads = new Thread[4];

        Connection(Socket client, Socket onward) {
            this.client = client;
            this.onward = onward;
        }

        void run() {
            Direction toTarget = new Direction(client, onward, up);
            Direction toClient = new Direction(onward, client, down);
            threads[0] = Thread.ofVirtual().unstarted(toTarget::read);
            threads[1] = Thread.ofVirtual().unstarted(toTarget::write);
            threads[2] = Thread.ofVirtual().unstarted(toClient::read);
            threads[3] = Thread.ofVirtual().unstarted(toClient::write);
            for (Thread t : threads) {
                t.start();
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                abort(); // the listener is closing: end the threads, then return
                Thread.currentThread().interrupt();
            }
        }

        /** Closes both sockets and wakes every thread: a broken connection is broken both ways. */
        void abort() {
            Quietly.close(client);
            Quietly.close(onward);
            for (Thread t : threads) {
                t.interrupt();
            }
        }

        /** One direction: bytes from {@code from}, paced and delayed, to {@code to}. */
        private final class Direction {
            /** A chunk read, and when it is due at the other end; null bytes is the end of the stream. */
            private record Chunk(byte[] bytes, long dueNanos) {}

            private final Socket from;
            private final Socket to;
            private final Pacer pacer;
            private final BlockingQueue<Chunk> line;

            Direction(Socket from, Socket to, Pacer pacer) {
                this.from = from;
                this.to = to;
                this.pacer = pacer;
                long bytesInFlight = pacer.bytesPerSecond() * shape.delay().toNanos() / 1_000_000_000L;
                // One chunk more than the link holds keeps it full; a few more absorb the writer's wake-up jitter.
                this.line = new ArrayBlockingQueue<>((int) Math.min(256, bytesInFlight / CHUNK_BYTES + 4));
            }

            void read() {
                byte[] buffer = new byte[CHUNK_BYTES];
                try {
                    InputStream in = from.getInputStream();
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        pacer.await(n);
                        line.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + shape.delay().toNanos()));
                    }
                    line.put(new Chunk(null, System.nanoTime() + shape.delay().toNanos()));
                } catch (IOException | InterruptedException e) {
                    abort();
                }
            }

            void write() {
                try {
                    OutputStream out = to.getOutputStream();
                    for (Chunk chunk; ; ) {
                        chunk = line.take();
                        sleepUntil(chunk.dueNanos());
                        if (chunk.bytes() == null) {
                            to.shutdownOutput(); // the end of the stream goes on, as a FIN, after the same delay
                            return;
                        }
                        out.write(chunk.bytes());
                    }
                } catch (IOException | InterruptedException e) {
                    abort();
                }
            }
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        for (long wait; (wait = nanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * A token bucket for one direction of a link, shared by its connections: bytes pass at the
     * rate, with bursts of at most {@link #BURST_NANOS} worth, as a wire of that rate would let them.
     */
    static final class Pacer {
        private static final long BURST_NANOS = 5_000_000;

        private final long bytesPerSecond;
        /** When the bytes let through so far have been sent, at the rate (the bucket's "theoretical arrival time"). */
        private long busyUntil = System.nanoTime(); // guarded by this

        Pacer(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        long bytesPerSecond() {
            return bytesPerSecond;
        }

        /** Waits until {@code bytes} more fit the rate. */
        void await(int bytes) throws InterruptedException {
            long due;
            synchronized (this) {
                long now = System.nanoTime();
                // An idle link gathers no more credit than one burst.
                busyUntil = Math.max(busyUntil, now) + bytes * 1_000_000_000L / bytesPerSecond;
                due = busyUntil - BURST_NANOS;
            }
            sleepUntil(due);
        }
    }
}

package dev.mpp.runtime.net;

import dev.mpp.api.spi.Relay;
import dev.mpp.api.spi.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an established connection: one virtual thread per direction, one buffer each, bounded by
 * the configured buffer size.
 * End of stream on one side becomes a half-close on the other; an error on either side, or both
 * directions idle for the idle timeout, closes both.
 *
 * <p>When both sides are socket channels (a client from {@link Listener} and a {@link SocketUpstream}),
 * the buffer is a direct one and bytes go from socket to socket without the copy into and out of
 * the Java heap that socket streams make; otherwise (an upstream that is only streams) the relay
 * reads and writes the streams with a byte array.
 */
public final class Splice implements Relay {
    private static final Logger log = LoggerFactory.getLogger(Splice.class);

    /**
     * Buffers start this small and grow fourfold each time a read fills them, up to bufferSize:
     * an idle or interactive connection holds little memory, while a bulk transfer reaches the
     * full size after a few reads, and larger reads and writes cost less CPU per byte.
     */
    public static final int FIRST_BUFFER_SIZE = 16 * 1024;

    private final int bufferSize;
    private final Duration idleTimeout;
    private final ScheduledExecutorService timers;
    /** Bytes by which buffers may still grow, all connections together. */
    private final AtomicLong growthBudget;

    /**
     * @param bufferSize   the most a direction's buffer grows to
     * @param growthBudget how many bytes all buffers together may grow by beyond their first size:
     *                     past it, a buffer stays as it is until others give memory back
     */
    public Splice(int bufferSize, long growthBudget, Duration idleTimeout, ScheduledExecutorService timers) {
        this(bufferSize, new AtomicLong(growthBudget), idleTimeout, timers);
    }

    /** With a growth budget shared with other relays of the node. */
    public Splice(int bufferSize, AtomicLong growthBudget, Duration idleTimeout, ScheduledExecutorService timers) {
        this.bufferSize = bufferSize;
        this.growthBudget = growthBudget;
        this.idleTimeout = idleTimeout;
        this.timers = timers;
    }

    private int firstBufferSize() {
        return Math.min(FIRST_BUFFER_SIZE, bufferSize);
    }

    /**
     * The size a buffer of {@code capacity} bytes that a read has just filled grows to: fourfold, up
     * to bufferSize, as far as the growth budget allows; {@code capacity} itself when it may not grow.
     */
    private int grownSize(int capacity) {
        int next = (int) Math.min(bufferSize, 4L * capacity);
        long extra = next - capacity;
        if (extra > 0 && growthBudget.addAndGet(-extra) < 0) {
            growthBudget.addAndGet(extra);
            return capacity;
        }
        return next;
    }

    /** What is left of the growth budget now. */
    long growthBudget() {
        return growthBudget.get();
    }

    /** Gives back to the budget what a buffer of {@code capacity} bytes took from it. */
    private void releaseGrowth(int capacity) {
        growthBudget.addAndGet(capacity - firstBufferSize());
    }

    @Override
    public void relay(Socket client, Upstream upstream) throws IOException {
        Exchange exchange = new Exchange(client, upstream);
        long checkEvery = Math.max(1, idleTimeout.toMillis() / 4);
        ScheduledFuture<?> idleCheck = timers.scheduleWithFixedDelay(exchange::closeIfIdle, checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
        if (upstream instanceof Resettable resettable) {
            resettable.onReset(() -> exchange.abort(new StreamResetException("the upstream was reset")));
        }
        try (upstream) {
            Runnable up;
            Runnable down;
            SocketChannel clientChannel = client.getChannel();
            if (clientChannel != null && upstream instanceof SocketUpstream direct) {
                SocketChannel upstreamChannel = direct.channel();
                up = () -> exchange.pump(clientChannel, upstreamChannel, upstream::shutdownOutput, "up");
                down = () -> exchange.pump(upstreamChannel, clientChannel, client::shutdownOutput, "down");
            } else {
                InputStream fromClient = client.getInputStream();
                OutputStream toClient = client.getOutputStream();
                InputStream fromUpstream = upstream.input();
                OutputStream toUpstream = upstream.output();
                up = () -> exchange.pump(fromClient, toUpstream, upstream::shutdownOutput, "up");
                down = () -> exchange.pump(fromUpstream, toClient, client::shutdownOutput, "down");
            }
            Thread downThread = Thread.ofVirtual().name("relay-down").start(down);
            up.run();
            downThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            idleCheck.cancel(false);
        }
    }

    /** What one direction does once its source has ended. */
    private interface HalfClose {
        void run() throws IOException;
    }

    private final class Exchange {
        private final Socket client;
        private final Upstream upstream;
        private volatile long lastActivity = System.nanoTime();

        Exchange(Socket client, Upstream upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(InputStream in, OutputStream out, HalfClose halfClose, String direction) {
            byte[] buffer = new byte[firstBufferSize()];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    lastActivity = System.nanoTime();
                    out.write(buffer, 0, n);
                    int size = n == buffer.length ? grownSize(n) : n;
                    if (size > buffer.length) {
                        buffer = new byte[size];
                    }
                }
                halfClose.run();
            } catch (IOException e) {
                log.debug("relay {} ended: {}", direction, e.getMessage());
                abort(e);
            } finally {
                releaseGrowth(buffer.length);
            }
        }

        /**
         * Like the stream pump, through a direct buffer. Each buffer has an arena of its own, closed
         * when the buffer grows or the direction ends, so one buffer at a time is held.
         */
        void pump(SocketChannel in, SocketChannel out, HalfClose halfClose, String direction) {
            Arena arena = Arena.ofConfined();
            ByteBuffer buffer = arena.allocate(firstBufferSize()).asByteBuffer();
            try {
                while (in.read(buffer) >= 0) {
                    lastActivity = System.nanoTime();
                    boolean filled = !buffer.hasRemaining();
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    int size = filled ? grownSize(buffer.capacity()) : buffer.capacity();
                    if (size > buffer.capacity()) {
                        arena.close();
                        arena = Arena.ofConfined();
                        buffer = arena.allocate(size).asByteBuffer();
                    } else {
                        buffer.clear();
                    }
                }
                halfClose.run();
            } catch (IOException e) {
                log.debug("relay {} ended: {}", direction, e.getMessage());
                abort(e);
            } finally {
                releaseGrowth(buffer.capacity());
                arena.close();
            }
        }

        void closeIfIdle() {
            if (System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
                log.debug("closing {} after {} idle", client.getRemoteSocketAddress(), idleTimeout);
                abort(null);
            }
        }

        /**
         * Closes both sides. When the upstream was reset (a multipath session that could not go on),
         * the client's connection is reset too, so it cannot take a cut-off stream for a whole one.
         */
        void abort(IOException cause) {
            if (cause instanceof StreamResetException) {
                try {
                    client.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // closing is what matters
                }
            }
            Quietly.close(client);
            Quietly.close(upstream);
        }
    }
}

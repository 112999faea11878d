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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an established connection: one virtual thread per direction, one fixed buffer each.
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

    private final int bufferSize;
    private final Duration idleTimeout;
    private final ScheduledExecutorService timers;

    public Splice(int bufferSize, Duration idleTimeout, ScheduledExecutorService timers) {
        this.bufferSize = bufferSize;
        this.idleTimeout = idleTimeout;
        this.timers = timers;
    }

    @Override
    public void relay(Socket client, Upstream upstream) throws IOException {
        Exchange exchange = new Exchange(client, upstream);
        long checkEvery = Math.max(1, idleTimeout.toMillis() / 4);
        ScheduledFuture<?> idleCheck = timers.scheduleWithFixedDelay(exchange::closeIfIdle, checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
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
            byte[] buffer = new byte[bufferSize];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    lastActivity = System.nanoTime();
                    out.write(buffer, 0, n);
                }
                halfClose.run();
            } catch (IOException e) {
                log.debug("relay {} ended: {}", direction, e.getMessage());
                abort();
            }
        }

        /** Like the stream pump, through a direct buffer that is freed as soon as the direction ends. */
        void pump(SocketChannel in, SocketChannel out, HalfClose halfClose, String direction) {
            try (Arena arena = Arena.ofConfined()) {
                ByteBuffer buffer = arena.allocate(bufferSize).asByteBuffer();
                while (in.read(buffer) >= 0) {
                    lastActivity = System.nanoTime();
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    buffer.clear();
                }
                halfClose.run();
            } catch (IOException e) {
                log.debug("relay {} ended: {}", direction, e.getMessage());
                abort();
            }
        }

        void closeIfIdle() {
            if (System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
                log.debug("closing {} after {} idle", client.getRemoteSocketAddress(), idleTimeout);
                abort();
            }
        }

        private void abort() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}

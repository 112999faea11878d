package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends and receives at the same time over one socket, so neither side can block the other. */
public final class Streams {
    private Streams() {}

    /**
     * Writes {@code payload} (on a virtual thread) and then half-closes, while reading everything
     * that comes back until the other side ends its stream. The writer has ended when this returns.
     */
    public static byte[] sendAndReceive(Socket socket, byte[] payload) throws IOException {
        CompletableFuture<Void> sent = sendAndHalfClose(socket, payload);
        byte[] received = socket.getInputStream().readAllBytes();
        await(sent);
        return received;
    }

    /** Writes {@code payload} on a virtual thread, then half-closes the socket. */
    public static CompletableFuture<Void> sendAndHalfClose(Socket socket, byte[] payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("test-writer").start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(payload);
                out.flush();
                socket.shutdownOutput();
                sent.complete(null);
            } catch (IOException | RuntimeException e) {
                sent.completeExceptionally(e);
            }
        });
        return sent;
    }

    /** Waits a bounded time for a writer started by {@link #sendAndHalfClose}. */
    public static void await(CompletableFuture<Void> sent) throws IOException {
        try {
            sent.get(SocksWire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (TimeoutException e) {
            throw new AssertionError("the writer was still blocked after " + SocksWire.TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

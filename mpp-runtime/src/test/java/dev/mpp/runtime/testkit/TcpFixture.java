package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP server on a loopback address that runs one handler per accepted connection on a virtual
 * thread. The handler owns the socket until it returns; the fixture closes it afterwards, and
 * closes every socket still open when the fixture itself is closed.
 */
public final class TcpFixture implements AutoCloseable {
    /** What the server does with one connection. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private TcpFixture(InetAddress bindAddress, Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, bindAddress);
        Thread.ofVirtual().name("tcp-fixture-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /** Serves {@code handler} on 127.0.0.1. */
    public static TcpFixture start(Handler handler) throws IOException {
        return start(InetAddress.getLoopbackAddress(), handler);
    }

    /** Serves {@code handler} on {@code bindAddress}, which must be a local (normally loopback) address. */
    public static TcpFixture start(InetAddress bindAddress, Handler handler) throws IOException {
        return new TcpFixture(bindAddress, handler);
    }

    /** Sends back every byte it receives; half-closes its side when the client has. */
    public static TcpFixture echo() throws IOException {
        return start(socket -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }

    /** Reads to end of stream and reports what came; sends nothing. */
    public static TcpFixture sink(CompletableFuture<StreamDigest> received) throws IOException {
        return start(reporting(received, socket -> received.complete(StreamDigest.of(socket.getInputStream()))));
    }

    /** Sends {@code bytes} and closes, reading nothing. */
    public static TcpFixture source(byte[] bytes) throws IOException {
        return start(socket -> {
            socket.getOutputStream().write(bytes);
            socket.shutdownOutput();
        });
    }

    /**
     * On {@code bindAddress} (e.g. {@code ::1}): sends {@code down} and half-closes while, at the
     * same time, reading to end of stream.
     */
    public static TcpFixture duplex(InetAddress bindAddress, byte[] down, CompletableFuture<StreamDigest> received)
            throws IOException {
        return start(bindAddress, reporting(received, socket -> {
            CompletableFuture<Void> sent = Streams.sendAndHalfClose(socket, down).exceptionally(e -> {
                received.completeExceptionally(e); // a failed send is reported at once, as a failed read is
                return null;
            });
            received.complete(StreamDigest.of(socket.getInputStream()));
            sent.join();
        }));
    }

    /** Reads to end of stream, and only then sends {@code reply}: it needs the client's half-close to answer. */
    public static TcpFixture replyAfterEnd(CompletableFuture<StreamDigest> received, byte[] reply) throws IOException {
        return start(reporting(received, socket -> {
            received.complete(StreamDigest.of(socket.getInputStream()));
            socket.getOutputStream().write(reply);
            socket.shutdownOutput();
        }));
    }

    /** Sends {@code first} and half-closes at once, then reads what the client sends to end of stream. */
    public static TcpFixture halfCloseFirst(byte[] first, CompletableFuture<StreamDigest> received) throws IOException {
        return start(reporting(received, socket -> {
            socket.getOutputStream().write(first);
            socket.shutdownOutput();
            received.complete(StreamDigest.of(socket.getInputStream()));
        }));
    }

    /** A port on the loopback address {@code ip} that nothing listens on: the kernel just gave it out and took it back. */
    public static int closedPort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.ofLiteral(ip))) {
            return s.getLocalPort();
        }
    }

    /** A handler whose failure also fails {@code received}, so a test waiting on it learns why at once. */
    private static Handler reporting(CompletableFuture<?> received, Handler handler) {
        return socket -> {
            try {
                handler.handle(socket);
            } catch (IOException | RuntimeException e) {
                received.completeExceptionally(e);
                throw e;
            }
        };
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(socket);
            Thread.ofVirtual().name("tcp-fixture-conn").start(() -> {
                try (socket) {
                    handler.handle(socket);
                } catch (IOException e) {
                    // the test sees the consequence on its side of the connection
                } finally {
                    open.remove(socket);
                }
            });
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}

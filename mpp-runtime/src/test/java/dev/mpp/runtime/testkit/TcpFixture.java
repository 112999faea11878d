package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
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

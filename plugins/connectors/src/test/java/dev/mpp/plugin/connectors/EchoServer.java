package dev.mpp.plugin.connectors;

import dev.mpp.api.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A TCP echo server on 127.0.0.1: the far end a path should reach. One virtual thread per connection. */
final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();

    EchoServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("echo-accept").start(this::accept);
    }

    HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            open.add(s);
            Thread.ofVirtual().name("echo").start(() -> echo(s));
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException gone) {
            // The test closed its end: nothing more to echo.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}

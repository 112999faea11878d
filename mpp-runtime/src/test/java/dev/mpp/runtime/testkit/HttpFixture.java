package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 server on loopback that answers every GET with one fixed body and closes,
 * enough for curl and the JDK to fetch through a proxy. One virtual thread per request.
 */
public final class HttpFixture implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] body;

    public HttpFixture(byte[] body) throws IOException {
        this.body = body;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("http-fixture").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** {@code http://<host>:<port>/payload}. */
    public String url(String host) {
        return "http://" + host + ":" + port() + "/payload";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> answer(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            // Read the request head up to the blank line; the body of a GET is empty.
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client went away; nothing to serve
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 server on loopback (a {@link TcpFixture}) that answers every GET with one
 * fixed body and closes: enough for curl and the JDK to fetch through a proxy.
 */
public final class HttpFixture implements AutoCloseable {
    private final TcpFixture server;

    public HttpFixture(byte[] body) throws IOException {
        server = TcpFixture.start(socket -> answer(socket, body));
    }

    /** {@code http://<host>:<port>/payload}. */
    public String url(String host) {
        return "http://" + host + ":" + server.port() + "/payload";
    }

    private static void answer(Socket socket, byte[] body) throws IOException {
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
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

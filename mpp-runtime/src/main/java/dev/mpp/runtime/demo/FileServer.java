package dev.mpp.runtime.demo;

import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.runtime.net.Listener;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The demo's destination: the smallest correct HTTP/1.1 server for one file. {@code GET} or
 * {@code HEAD} of {@link #PATH} answers 200 with a Content-Length; any other path 404, any other
 * method 405, a malformed or oversized request head 400; every answer closes the connection.
 * The JDK's {@code jdk.httpserver} would do too, but would add a module to the image for this alone.
 */
final class FileServer implements AutoCloseable {
    static final String PATH = "/demo.bin";
    private static final int MAX_HEAD_BYTES = 8 * 1024;
    private static final int MAX_CONNECTIONS = 64;

    private final DemoFile file;
    private final Listener listener;

    /** Serves {@code file} on 127.0.0.1 on a free port. */
    FileServer(DemoFile file, ScheduledExecutorService timers) throws IOException {
        this.file = file;
        this.listener = new Listener("demo-http", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::serve,
                new Listener.Limits(MAX_CONNECTIONS, MAX_CONNECTIONS, Duration.ofSeconds(10)), a -> true, timers);
    }

    /** {@code http://127.0.0.1:PORT/demo.bin}. */
    String url() {
        return "http://127.0.0.1:" + listener.address().getPort() + PATH;
    }

    InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
    }

    private void serve(Socket socket, HandshakeTimer handshake) throws IOException {
        String head = readHead(socket.getInputStream());
        handshake.done();
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        String[] requestLine = head == null ? new String[0] : head.lines().findFirst().orElse("").split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            answer(out, "400 Bad Request", "a request line 'METHOD PATH HTTP/1.x' was expected\n");
        } else if (!requestLine[0].equals("GET") && !requestLine[0].equals("HEAD")) {
            answer(out, "405 Method Not Allowed", "only GET and HEAD\n");
        } else if (!requestLine[1].equals(PATH)) {
            answer(out, "404 Not Found", "the demo serves " + PATH + " only\n");
        } else {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + file.size()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (requestLine[0].equals("GET")) {
                file.writeTo(out);
            }
        }
        out.flush();
    }

    /** The request head up to its blank line, or null if it is longer than allowed or the client stopped first. */
    private static String readHead(InputStream in) throws IOException {
        byte[] head = new byte[MAX_HEAD_BYTES];
        int length = 0;
        for (int b; length < head.length && (b = in.read()) >= 0; ) {
            head[length++] = (byte) b;
            if (length >= 4 && head[length - 4] == '\r' && head[length - 3] == '\n' && head[length - 2] == '\r'
                    && head[length - 1] == '\n') {
                return new String(head, 0, length, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void answer(OutputStream out, String status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
    }
}

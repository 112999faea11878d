package dev.mpp.runtime.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.StreamDigest;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's destination: the file for GET, its head for HEAD, and a clear status for anything else. */
class FileServerTest {
    private static final DemoFile FILE = new DemoFile((1 << 20) + 3);

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void getServesTheWholeFileWhoseHashTheDemoPrints() throws IOException {
        byte[] response = exchange("GET /demo.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        int bodyStart = indexOf(response, "\r\n\r\n") + 4;
        String head = new String(response, 0, bodyStart, StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("\r\nContent-Length: " + FILE.size() + "\r\n"), head);
        StreamDigest body = StreamDigest.of(Arrays.copyOfRange(response, bodyStart, response.length));
        assertEquals(new StreamDigest(FILE.size(), FILE.sha256()), body);
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws IOException {
        String response = new String(exchange("HEAD /demo.bin HTTP/1.0\r\n\r\n"), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.endsWith("\r\n\r\n"), response);
        assertTrue(response.contains("Content-Length: " + FILE.size()), response);
    }

    @Test
    void anythingElseGetsItsStatusAndTheConnectionCloses() throws IOException {
        assertStatus("404 Not Found", "GET /other HTTP/1.1\r\n\r\n");
        assertStatus("405 Method Not Allowed", "POST /demo.bin HTTP/1.1\r\n\r\n");
        assertStatus("400 Bad Request", "hello\r\n\r\n");
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals(100L << 20, Units.size("100MiB"));
        assertEquals(512L << 10, Units.size("512KiB"));
        assertEquals(1L << 30, Units.size("1GiB"));
        assertEquals(1234, Units.size("1234"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.size("32MB"));
        assertEquals("'32MB' is not a size (expected e.g. 100MiB, 512KiB, 1GiB or bytes)", e.getMessage());
        assertEquals("20 Mbit/s", Units.bitRate(20_000_000));
        assertEquals("12.3 MiB", Units.bytes(12_900_000));
    }

    private void assertStatus(String status, String request) throws IOException {
        String response = new String(exchange(request), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 " + status + "\r\n"), response);
    }

    /** Sends the request and reads the response to the end: the server closes after every answer. */
    private byte[] exchange(String request) throws IOException {
        try (FileServer server = new FileServer(FILE, timers); Socket socket = new Socket()) {
            socket.setSoTimeout(20_000);
            socket.connect(server.address());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return socket.getInputStream().readAllBytes();
        }
    }

    private static int indexOf(byte[] bytes, String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + t.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + t.length, t, 0, t.length)) {
                return i;
            }
        }
        return -1;
    }
}

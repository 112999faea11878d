/*
 * The benchmark's data source: a minimal HTTP/1.1 server on loopback that answers every GET with
 * a body of the requested size (GET /1073741824 -> 1 GiB; any other path -> 1 GiB), written from
 * one 1 MiB direct buffer over and over, so it costs the source almost nothing but the kernel copy.
 *
 * Run with a JDK 25 (single-file source launch):   java bench/HttpSource.java [PORT [ADDRESS]]
 * PORT 0 or absent picks a free port; ADDRESS is the one to listen on (default 127.0.0.1). It prints "ready PORT" once it listens and serves until
 * killed. Not part of MPP.
 */
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;

public class HttpSource {
    private static final long DEFAULT_SIZE = 1L << 30;
    private static final ByteBuffer CHUNK = ByteBuffer.allocateDirect(1 << 20);

    public static void main(String[] args) throws IOException {
        byte[] noise = new byte[CHUNK.capacity()];
        new Random(42).nextBytes(noise);
        CHUNK.put(noise).flip();
        ServerSocketChannel server = ServerSocketChannel.open();
        String address = args.length > 1 ? args[1] : "127.0.0.1";
        server.bind(new InetSocketAddress(address, args.length > 0 ? Integer.parseInt(args[0]) : 0), 128);
        System.out.println("ready " + ((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        while (true) {
            SocketChannel client = server.accept();
            Thread.ofPlatform().daemon().start(() -> serve(client));
        }
    }

    private static void serve(SocketChannel client) {
        try (client) {
            long size = requestedSize(client);
            String head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\nConnection: close\r\n\r\n";
            ByteBuffer h = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
            while (h.hasRemaining()) {
                client.write(h);
            }
            ByteBuffer chunk = CHUNK.duplicate();
            for (long left = size; left > 0; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                while (chunk.hasRemaining()) {
                    left -= client.write(chunk);
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to do
        }
    }

    /** Reads the request head and returns the size its path asks for. */
    private static long requestedSize(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(8192);
        String text = "";
        while (!text.contains("\r\n\r\n") && in.hasRemaining()) {
            if (client.read(in) < 0) {
                break;
            }
            text = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
        String[] parts = text.split(" ", 3);
        try {
            return parts.length > 1 ? Long.parseLong(parts[1].substring(1)) : DEFAULT_SIZE;
        } catch (NumberFormatException e) {
            return DEFAULT_SIZE;
        }
    }
}

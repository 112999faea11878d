package dev.mpp.runtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A SOCKS5 client that writes the protocol's bytes itself, so a test can send exactly what it
 * means (also what no well-behaved client would) and see exactly what the server answers. Every
 * read has a deadline: a server that hangs fails the test quickly instead of blocking it.
 */
public final class Socks5Probe implements AutoCloseable {
    /** RFC 1928 ATYP values. */
    public static final int IPV4 = 0x01;
    public static final int DOMAIN = 0x03;
    public static final int IPV6 = 0x04;

    public static final int CONNECT = 0x01;

    private final InputStream in;
    private final OutputStream out;
    private final AutoCloseable transport;
    private final Duration timeout;

    private Socks5Probe(InputStream in, OutputStream out, AutoCloseable transport, Duration timeout) {
        this.in = in;
        this.out = out;
        this.transport = transport;
        this.timeout = timeout;
    }

    /** Opens a TCP connection to the proxy. */
    public static Socks5Probe connect(InetSocketAddress proxy) {
        Socket socket = new Socket();
        try {
            socket.connect(proxy, 5_000);
            return new Socks5Probe(socket.getInputStream(), socket.getOutputStream(), socket, Duration.ofSeconds(5));
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot reach the proxy at " + proxy, e);
        }
    }

    /**
     * Speaks through a running program's standard input and output, e.g. {@code ncat HOST PORT}
     * started inside a network namespace this JVM cannot open sockets in. Closing the probe ends
     * the program.
     */
    public static Socks5Probe over(Process pipe, Duration timeout) {
        return new Socks5Probe(pipe.getInputStream(), pipe.getOutputStream(), () -> {
            pipe.destroy();
            if (!pipe.waitFor(5, TimeUnit.SECONDS)) {
                pipe.destroyForcibly();
            }
        }, timeout);
    }

    /** Sends the method-selection message offering {@code methods}; returns the method the server selected. */
    public int greet(int... methods) {
        byte[] greeting = new byte[2 + methods.length];
        greeting[0] = 0x05;
        greeting[1] = (byte) methods.length;
        for (int i = 0; i < methods.length; i++) {
            greeting[2 + i] = (byte) methods[i];
        }
        send(greeting);
        byte[] answer = read(2);
        if (answer[0] != 0x05) {
            throw new AssertionError("method selection version " + (answer[0] & 0xFF) + " (expected 5)");
        }
        return answer[1] & 0xFF;
    }

    /** RFC 1929 sub-negotiation; returns STATUS (0 is success). */
    public int authenticate(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(0x01);
        message.write(u.length);
        message.writeBytes(u);
        message.write(p.length);
        message.writeBytes(p);
        send(message.toByteArray());
        byte[] answer = read(2);
        if (answer[0] != 0x01) {
            throw new AssertionError("RFC 1929 reply version " + (answer[0] & 0xFF) + " (expected 1)");
        }
        return answer[1] & 0xFF;
    }

    /** Sends {@code VER CMD RSV} followed by {@code addressAndPort} as given, and reads the reply. */
    public Reply request(int command, byte[] addressAndPort) {
        byte[] request = new byte[3 + addressAndPort.length];
        request[0] = 0x05;
        request[1] = (byte) command;
        System.arraycopy(addressAndPort, 0, request, 3, addressAndPort.length);
        send(request);
        return readReply();
    }

    /** CONNECT to a literal IP address or a domain name, encoded with the matching ATYP. */
    public Reply connect(String host, int port) {
        return request(CONNECT, address(host, port));
    }

    /** {@code ATYP ADDR PORT}: ATYP 1 or 4 for an IP literal, 3 for a name. */
    public static byte[] address(String host, int port) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] ip = literal(host);
        if (ip != null) {
            bytes.write(ip.length == 4 ? IPV4 : IPV6);
            bytes.writeBytes(ip);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            bytes.write(DOMAIN);
            bytes.write(name.length);
            bytes.writeBytes(name);
        }
        bytes.write(port >> 8);
        bytes.write(port);
        return bytes.toByteArray();
    }

    private static byte[] literal(String host) {
        try {
            return host.matches("[0-9.]+|.*:.*") ? InetAddress.ofLiteral(host).getAddress() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads {@code VER REP RSV ATYP BND.ADDR BND.PORT}. */
    public Reply readReply() {
        byte[] head = read(4);
        int atyp = head[3] & 0xFF;
        byte[] address = switch (atyp) {
            case IPV4 -> read(4);
            case IPV6 -> read(16);
            case DOMAIN -> read(read(1)[0] & 0xFF);
            default -> throw new AssertionError("reply " + Arrays.toString(head) + " has ATYP " + atyp);
        };
        byte[] port = read(2);
        InetSocketAddress bound;
        try {
            int p = (port[0] & 0xFF) << 8 | (port[1] & 0xFF);
            bound = atyp == DOMAIN ? InetSocketAddress.createUnresolved(new String(address, StandardCharsets.US_ASCII), p)
                    : new InetSocketAddress(InetAddress.getByAddress(address), p);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        return new Reply(head[0] & 0xFF, head[1] & 0xFF, head[2] & 0xFF, atyp, bound);
    }

    /** One SOCKS5 reply. */
    public record Reply(int version, int code, int reserved, int atyp, InetSocketAddress bound) {
        @Override
        public String toString() {
            return "Reply[VER=" + version + " REP=0x%02x".formatted(code) + " RSV=" + reserved + " ATYP=" + atyp
                    + " BND=" + bound + "]";
        }
    }

    public void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send to the proxy", e);
        }
    }

    /** Exactly {@code n} bytes; fails if the stream ends first or they do not come within the timeout. */
    public byte[] read(int n) {
        byte[] bytes = withDeadline(() -> in.readNBytes(n));
        if (bytes.length != n) {
            throw new AssertionError("the proxy closed the connection after " + bytes.length + " of " + n
                    + " expected bytes: " + Arrays.toString(bytes));
        }
        return bytes;
    }

    /** Whether the server ends the stream (rather than sending more) within the timeout. */
    public boolean closedByServer() {
        try {
            return withDeadline(in::read) < 0;
        } catch (UncheckedIOException e) {
            return true; // a reset is a close too
        }
    }

    private interface Read<T> {
        T read() throws IOException;
    }

    private <T> T withDeadline(Read<T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name("socks5-probe-read").start(() -> {
            try {
                result.complete(read.read());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new AssertionError("no answer from the proxy within " + timeout);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading from the proxy failed", (IOException) e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }
}

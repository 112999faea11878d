package dev.mpp.runtime.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A SOCKS5 client (RFC 1928, RFC 1929) that writes the protocol's bytes itself, so a test can send
 * exactly what it means, broken bytes included, and check every byte of the answer. It talks over
 * a TCP connection, or over a program's standard input and output ({@code ncat} inside a
 * {@link NetNamespace}, where this JVM cannot open sockets). Every read has a deadline, so a server
 * that hangs fails the test instead of stalling it.
 */
public final class SocksWire implements AutoCloseable {
    /** RFC 1928 commands (CMD). */
    public static final int CONNECT = 0x01;
    public static final int BIND = 0x02;
    public static final int UDP_ASSOCIATE = 0x03;

    /** RFC 1928 address types (ATYP). */
    public static final int IPV4 = 0x01;
    public static final int DOMAIN = 0x03;
    public static final int IPV6 = 0x04;

    /** How long a read waits for what it expects, and a connect for the server to accept. */
    public static final int TIMEOUT_MILLIS = 5_000;

    /** What {@link #readSome} returns when nothing came in time. */
    private static final int TIMED_OUT = -2;

    private final Socket socket; // null over a program
    private final Process program; // null over a socket
    private final InputStream in;
    private final OutputStream out;

    private SocksWire(Socket socket, Process program, InputStream in, OutputStream out) {
        this.socket = socket;
        this.program = program;
        this.in = in;
        this.out = out;
    }

    /** A TCP connection to {@code proxy}. */
    public static SocksWire connect(InetSocketAddress proxy) throws IOException {
        return connect(proxy, null);
    }

    /**
     * A TCP connection to {@code address} from {@code source} (for example 127.0.0.2; null for the
     * default). Also the peer that connects to a BIND listener, which need not speak SOCKS at all.
     */
    public static SocksWire connect(InetSocketAddress address, InetAddress source) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(address, TIMEOUT_MILLIS);
            return new SocksWire(socket, null, socket.getInputStream(), socket.getOutputStream());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Speaks through a running program's standard input and output, e.g. {@code ncat HOST PORT}
     * started inside a network namespace. Closing the wire ends the program.
     */
    public static SocksWire over(Process program) {
        return new SocksWire(null, program, program.getInputStream(), program.getOutputStream());
    }

    /** The TCP connection, for what only a socket does (half-close, linger, addresses); its reads time out too. */
    public Socket socket() {
        if (socket == null) {
            throw new IllegalStateException("this wire is a program's standard streams, not a socket");
        }
        return socket;
    }

    /** Sends the method-selection message offering {@code methods}; returns the method the server selected. */
    public int greet(int... methods) throws IOException {
        byte[] greeting = new byte[2 + methods.length];
        greeting[0] = 0x05;
        greeting[1] = (byte) methods.length;
        for (int i = 0; i < methods.length; i++) {
            greeting[2 + i] = (byte) methods[i];
        }
        send(greeting);
        byte[] answer = read(2);
        if (answer[0] != 0x05) {
            throw new AssertionError("method selection: " + hex(answer) + " (expected version 5)");
        }
        return answer[1] & 0xFF;
    }

    /** Offers "no authentication" only, and fails unless the server selects it. */
    public void greetNoAuth() throws IOException {
        int selected = greet(0x00);
        if (selected != 0x00) {
            throw new AssertionError("method selection: 05%02x (expected 0500)".formatted(selected));
        }
    }

    /** RFC 1929 sub-negotiation; returns STATUS (0 is success). */
    public int authenticate(String user, String password) throws IOException {
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
            throw new AssertionError("RFC 1929 reply: " + hex(answer) + " (expected version 1)");
        }
        return answer[1] & 0xFF;
    }

    /** Sends {@link #requestBytes} and reads the reply. */
    public Reply request(int command, byte[] address) throws IOException {
        send(requestBytes(command, address));
        return readReply();
    }

    /** Reads {@code VER REP RSV ATYP ADDR PORT}, failing on anything that is not a well-formed reply. */
    public Reply readReply() throws IOException {
        byte[] head = read(3);
        if (head[0] != 0x05 || head[2] != 0x00) {
            throw new AssertionError("reply head: " + hex(head) + " (expected 05 REP 00)");
        }
        return readAddress(head[1] & 0xFF, this::read);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends each value as one byte: {@code send(0x05, 0x01, 0x00)}. */
    public void send(int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        send(raw);
    }

    /** Exactly {@code n} bytes; fails if the stream ends first or they have not all come within the timeout. */
    public byte[] read(int n) throws IOException {
        byte[] bytes = new byte[n];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        for (int got = 0; got < n; ) {
            int r = readSome(bytes, got, n - got, deadline);
            if (r == TIMED_OUT) {
                throw new AssertionError("no answer within " + TIMEOUT_MILLIS + " ms; " + got + " of " + n
                        + " bytes came: " + hex(Arrays.copyOf(bytes, got)));
            }
            if (r < 0) {
                throw new AssertionError("connection ended after " + got + " of " + n + " bytes: "
                        + hex(Arrays.copyOf(bytes, got)));
            }
            got += r;
        }
        return bytes;
    }

    /**
     * Reads until the server ends the connection and returns what came before. Fails if the
     * connection is still open after {@code millis}: a server that should have closed it did not.
     */
    public Ending readUntilClosed(long millis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n;
            try {
                n = readSome(buffer, 0, buffer.length, deadline);
            } catch (SocketException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return new Ending(received.toByteArray(), true);
                }
                throw e;
            }
            if (n == TIMED_OUT) {
                throw new AssertionError("the server kept the connection open for " + millis + " ms; received "
                        + received.size() + " bytes: " + hex(received.toByteArray()));
            }
            if (n < 0) {
                return new Ending(received.toByteArray(), false);
            }
            received.write(buffer, 0, n);
        }
    }

    /**
     * One read of up to {@code length} bytes before {@code deadline} (a {@link System#nanoTime});
     * -1 at the end of the stream, {@link #TIMED_OUT} if nothing came. A socket has a read timeout;
     * a pipe has none, so the read runs on a virtual thread, and a pipe that times out is closed.
     */
    private int readSome(byte[] buffer, int offset, int length, long deadline) throws IOException {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (millis <= 0) {
            return TIMED_OUT;
        }
        if (socket != null) {
            socket.setSoTimeout((int) millis);
            try {
                return in.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                return TIMED_OUT;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                }
            }
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread.ofVirtual().name("socks-wire-read").start(() -> {
            try {
                result.complete(in.read(buffer, offset, length));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close(); // the pending read still owns the buffer: this wire is done
            return TIMED_OUT;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            return;
        }
        program.destroy();
        try {
            if (!program.waitFor(5, TimeUnit.SECONDS)) {
                program.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            program.destroyForcibly();
        }
    }

    // The bytes of the protocol, for what a test sends itself.

    /** A reply, or the header of a UDP datagram: REP (FRAG for UDP), and the address as {@code ATYP ADDR PORT}. */
    public record Reply(int code, int atyp, String host, int port) {
        /** The address as a socket address; for ATYP 1 and 4 only. */
        public InetSocketAddress address() {
            if (atyp == DOMAIN) {
                throw new AssertionError("reply carries the name " + host + ", not an address");
            }
            return new InetSocketAddress(InetAddress.ofLiteral(host), port);
        }

        @Override
        public String toString() {
            return "Reply[REP=0x%02x ATYP=%d %s port %d]".formatted(code, atyp, host, port);
        }
    }

    /** A datagram from the UDP relay: its header and its payload. */
    public record UdpDatagram(Reply header, byte[] payload) {}

    /** How a connection ended: the bytes that came before, and whether it ended with a reset rather than a FIN. */
    public record Ending(byte[] bytes, boolean reset) {}

    /** {@code VER CMD RSV} followed by an encoded address. */
    public static byte[] requestBytes(int command, byte[] address) {
        byte[] request = new byte[3 + address.length];
        request[0] = 0x05;
        request[1] = (byte) command;
        System.arraycopy(address, 0, request, 3, address.length);
        return request;
    }

    /** {@code ATYP ADDR PORT}: ATYP 1 or 4 for an IP literal, ATYP 3 with the name's bytes for anything else. */
    public static byte[] address(String host, int port) {
        InetAddress ip = literal(host);
        return ip != null ? address(new InetSocketAddress(ip, port))
                : domainAddress(host.getBytes(StandardCharsets.ISO_8859_1), port);
    }

    /** {@code ATYP ADDR PORT} for an IP address: ATYP 1 or 4. */
    public static byte[] address(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ip.length == 4 ? IPV4 : IPV6);
        out.writeBytes(ip);
        out.write(address.getPort() >> 8);
        out.write(address.getPort());
        return out.toByteArray();
    }

    /** ATYP 3 with arbitrary name bytes, for names no resolver would accept. */
    public static byte[] domainAddress(byte[] name, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(DOMAIN);
        out.write(name.length);
        out.writeBytes(name);
        out.write(port >> 8);
        out.write(port);
        return out.toByteArray();
    }

    private static InetAddress literal(String host) {
        try {
            return host.matches("[0-9.]+|.*:.*") ? InetAddress.ofLiteral(host) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A UDP ASSOCIATE datagram: {@code RSV RSV FRAG ATYP ADDR PORT DATA}. */
    public static byte[] udp(int frag, byte[] address, byte[] payload) {
        byte[] datagram = new byte[3 + address.length + payload.length];
        datagram[2] = (byte) frag;
        System.arraycopy(address, 0, datagram, 3, address.length);
        System.arraycopy(payload, 0, datagram, 3 + address.length, payload.length);
        return datagram;
    }

    /** Parses a datagram from the relay; its FRAG goes into {@link Reply#code()}. */
    public static UdpDatagram parseUdp(byte[] bytes, int length) throws IOException {
        if (length < 4 || bytes[0] != 0 || bytes[1] != 0) {
            throw new AssertionError("UDP header: " + hex(Arrays.copyOf(bytes, Math.min(length, 8))));
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes, 3, length - 3);
        Reply header = readAddress(bytes[2] & 0xFF, n -> {
            byte[] part = in.readNBytes(n);
            if (part.length != n) {
                throw new AssertionError("UDP header cut short: " + hex(Arrays.copyOf(bytes, length)));
            }
            return part;
        });
        return new UdpDatagram(header, in.readAllBytes());
    }

    private interface Source {
        /** Exactly {@code n} bytes, or fails. */
        byte[] read(int n) throws IOException;
    }

    private static Reply readAddress(int code, Source in) throws IOException {
        int atyp = in.read(1)[0] & 0xFF;
        String host = switch (atyp) {
            case IPV4 -> InetAddress.getByAddress(in.read(4)).getHostAddress();
            case IPV6 -> InetAddress.getByAddress(in.read(16)).getHostAddress();
            case DOMAIN -> new String(in.read(in.read(1)[0] & 0xFF), StandardCharsets.ISO_8859_1);
            default -> throw new AssertionError("ATYP " + atyp + " (expected 1, 3 or 4)");
        };
        byte[] port = in.read(2);
        return new Reply(code, atyp, host, ((port[0] & 0xFF) << 8) | (port[1] & 0xFF));
    }

    /** Hex of the first 32 bytes at most, for failure messages. */
    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(Arrays.copyOf(bytes, Math.min(bytes.length, 32)));
    }
}

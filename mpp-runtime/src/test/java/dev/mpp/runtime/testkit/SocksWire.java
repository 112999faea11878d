package dev.mpp.runtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SOCKS5 (RFC 1928) at the byte level, for tests that must send exactly the bytes they mean,
 * broken ones included, and check every byte of the answer. Every socket it opens has a read
 * timeout, so a server that hangs fails the test instead of stalling it.
 */
public final class SocksWire {
    public static final int CONNECT = 0x01;
    public static final int BIND = 0x02;
    public static final int UDP_ASSOCIATE = 0x03;

    /** How long any single read waits. */
    public static final int TIMEOUT_MILLIS = 5_000;

    private SocksWire() {}

    /** A reply or UDP header address: the code (or FRAG for UDP) and {@code ATYP ADDR PORT}. */
    public record Reply(int code, int atyp, String host, int port) {
        /** The address as a resolved socket address; for ATYP 1 and 4 only. */
        public InetSocketAddress address() {
            if (atyp == 3) {
                throw new AssertionError("reply carries the name " + host + ", not an address");
            }
            return new InetSocketAddress(InetAddress.ofLiteral(host), port);
        }
    }

    /** A datagram from the UDP relay: its header and its payload. */
    public record UdpDatagram(Reply header, byte[] payload) {}

    /** How a connection ended: the bytes that came before, and whether it ended with a reset rather than a FIN. */
    public record Ending(byte[] bytes, boolean reset) {}

    /** A TCP connection to {@code proxy} with a read timeout. */
    public static Socket connect(InetSocketAddress proxy) throws IOException {
        return connect(proxy, null);
    }

    /** A TCP connection to {@code proxy} from {@code source} (for example 127.0.0.2), with a read timeout. */
    public static Socket connect(InetSocketAddress proxy, InetAddress source) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(proxy, TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Offers "no authentication" only and checks that the server selects it. */
    public static void greet(Socket socket) throws IOException {
        write(socket, 0x05, 0x01, 0x00);
        byte[] answer = readExactly(socket, 2);
        if (answer[0] != 0x05 || answer[1] != 0x00) {
            throw new AssertionError("method selection: " + HexFormat.of().formatHex(answer) + " (expected 0500)");
        }
    }

    /** Greets, sends one request and reads its reply. */
    public static Reply request(Socket socket, int command, byte[] address) throws IOException {
        greet(socket);
        socket.getOutputStream().write(requestBytes(command, address));
        return readReply(socket);
    }

    /** {@code VER CMD RSV} followed by an encoded address. */
    public static byte[] requestBytes(int command, byte[] address) {
        byte[] request = new byte[3 + address.length];
        request[0] = 0x05;
        request[1] = (byte) command;
        System.arraycopy(address, 0, request, 3, address.length);
        return request;
    }

    /** {@code ATYP ADDR PORT} for an IP address: ATYP 1 or 4. */
    public static byte[] address(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ip.length == 4 ? 0x01 : 0x04);
        out.writeBytes(ip);
        out.write(address.getPort() >> 8);
        out.write(address.getPort());
        return out.toByteArray();
    }

    /** {@code ATYP ADDR PORT} for a name: ATYP 3, a length byte, then the name's bytes. */
    public static byte[] address(String name, int port) {
        return domainAddress(name.getBytes(StandardCharsets.ISO_8859_1), port);
    }

    /** ATYP 3 with arbitrary name bytes, for names no resolver would accept. */
    public static byte[] domainAddress(byte[] name, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x03);
        out.write(name.length);
        out.writeBytes(name);
        out.write(port >> 8);
        out.write(port);
        return out.toByteArray();
    }

    /** Reads {@code VER REP RSV ATYP ADDR PORT}, failing on anything that is not a well-formed reply. */
    public static Reply readReply(Socket socket) throws IOException {
        byte[] head = readExactly(socket, 3);
        if (head[0] != 0x05 || head[2] != 0x00) {
            throw new AssertionError("reply head: " + HexFormat.of().formatHex(head) + " (expected 05 REP 00)");
        }
        return readAddress(head[1] & 0xFF, socket.getInputStream());
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
            throw new AssertionError("UDP header: " + HexFormat.of().formatHex(bytes, 0, Math.min(length, 8)));
        }
        var in = new java.io.ByteArrayInputStream(bytes, 3, length - 3);
        Reply header = readAddress(bytes[2] & 0xFF, in);
        return new UdpDatagram(header, in.readAllBytes());
    }

    private static Reply readAddress(int code, InputStream in) throws IOException {
        int atyp = readExactly(in, 1)[0] & 0xFF;
        String host = switch (atyp) {
            case 0x01 -> InetAddress.getByAddress(readExactly(in, 4)).getHostAddress();
            case 0x04 -> InetAddress.getByAddress(readExactly(in, 16)).getHostAddress();
            case 0x03 -> new String(readExactly(in, readExactly(in, 1)[0] & 0xFF), StandardCharsets.ISO_8859_1);
            default -> throw new AssertionError("reply ATYP " + atyp + " (expected 1, 3 or 4)");
        };
        byte[] port = readExactly(in, 2);
        return new Reply(code, atyp, host, ((port[0] & 0xFF) << 8) | (port[1] & 0xFF));
    }

    public static void write(Socket socket, int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        OutputStream out = socket.getOutputStream();
        out.write(raw);
        out.flush();
    }

    public static byte[] readExactly(Socket socket, int n) throws IOException {
        return readExactly(socket.getInputStream(), n);
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new AssertionError("connection ended after " + bytes.length + " of " + n + " bytes: "
                    + HexFormat.of().formatHex(bytes));
        }
        return bytes;
    }

    /**
     * Reads until the server ends the connection and returns what came before. Fails if the
     * connection is still open after {@code millis}: a server that should have closed it did not.
     */
    public static Ending readUntilClosed(Socket socket, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the server kept the connection open for " + millis + " ms; received "
                        + received.size() + " bytes: " + hexHead(received.toByteArray()));
            }
            socket.setSoTimeout((int) left);
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    return new Ending(received.toByteArray(), false);
                }
                received.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                // loop: the deadline check above reports it
            } catch (SocketException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return new Ending(received.toByteArray(), true);
                }
                throw e;
            }
        }
    }

    private static String hexHead(byte[] bytes) {
        return HexFormat.of().formatHex(Arrays.copyOf(bytes, Math.min(bytes.length, 32)));
    }
}

package dev.mpp.plugin.connectors;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.Route.RelayHop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hop of a chain: over a socket whose far end is this hop's relay, offer one method, log in if
 * the hop has a user, and ask the relay to CONNECT to the next address.
 *
 * <p>Replies are read in exact lengths straight from the socket, without a buffer, so nothing
 * after a reply is consumed: what follows belongs to the next hop or to the caller. Each field is
 * checked as soon as it arrives, so a relay that answers wrongly fails at once rather than at the
 * timeout. Every failure is a {@link ConnectException} whose message starts with
 * {@code hop N socks5://host:port} (the password masked).
 *
 * <p>One instance per connection attempt: it keeps the exchange in progress for its messages.
 */
final class Socks5Handshake {
    private static final Logger log = LoggerFactory.getLogger(Socks5Handshake.class);

    private static final int VERSION = 0x05;
    private static final int AUTH_VERSION = 0x01;
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;
    private static final int NO_ACCEPTABLE_METHOD = 0xFF;
    private static final int CONNECT = 0x01;
    private static final int ATYP_IPV4 = 0x01;
    private static final int ATYP_DOMAIN = 0x03;
    private static final int ATYP_IPV6 = 0x04;
    /** VER REP RSV ATYP, then at least a 4-byte address and a port. */
    private static final int SHORTEST_REPLY = 4 + 4 + 2;

    private final String label;
    private final RelayHop hop;
    private final HostPort next;
    private final boolean lastHop;
    private final byte[] request;

    // The exchange in progress, for messages: what was asked, and how much of the answer has come.
    private Socket socket;
    private InputStream in;
    private Deadline deadline;
    private String asked;
    private int received;
    private int expected;
    private boolean expectedExact;

    private Socks5Handshake(String label, RelayHop hop, HostPort next, boolean lastHop, byte[] request) {
        this.label = label;
        this.hop = hop;
        this.next = next;
        this.lastHop = lastHop;
        this.request = request;
    }

    /** How messages name hop {@code number} (1 for the first): {@code hop 2 socks5://alice:***@10.0.0.2:1080}. */
    static String label(int number, RelayHop hop) {
        return "hop " + number + " " + hop;
    }

    /**
     * Checks that everything this hop will send can be encoded, before any connection is made.
     *
     * @param next where this hop is to connect: the next hop's relay, or the target at the last hop
     */
    static Socks5Handshake prepare(int number, RelayHop hop, HostPort next, boolean lastHop) throws ConnectException {
        String label = label(number, hop);
        if (hop.user() != null) {
            int user = hop.user().getBytes(StandardCharsets.UTF_8).length;
            int password = hop.password().getBytes(StandardCharsets.UTF_8).length;
            if (user < 1 || user > 255) {
                throw new ConnectException(ConnectFailure.GENERAL, label + ": the user name is " + user
                        + " bytes in UTF-8 (expected: 1-255, RFC 1929)");
            }
            if (password > 255) {
                throw new ConnectException(ConnectFailure.GENERAL, label + ": the password is " + password
                        + " bytes in UTF-8 (expected: at most 255, RFC 1929)");
            }
        }
        if (!next.isPrintable()) {
            throw new ConnectException(lastHop ? ConnectFailure.HOST_UNREACHABLE : ConnectFailure.GENERAL,
                    label + ": " + next + " is not a host name");
        }
        return new Socks5Handshake(label, hop, next, lastHop, connectRequest(next));
    }

    /** {@code VER CMD RSV ATYP DST.ADDR DST.PORT}; a name is sent as a name, for the relay to resolve. */
    private static byte[] connectRequest(HostPort next) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(6 + 1 + 255);
        out.write(VERSION);
        out.write(CONNECT);
        out.write(0x00);
        InetAddress ip = Dial.literal(next.host());
        if (ip == null) {
            byte[] name = next.host().getBytes(StandardCharsets.US_ASCII); // printable ASCII, at most 255: checked
            out.write(ATYP_DOMAIN);
            out.write(name.length);
            out.writeBytes(name);
        } else {
            out.write(ip instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6);
            out.writeBytes(ip.getAddress());
        }
        out.write(next.port() >> 8);
        out.write(next.port());
        return out.toByteArray();
    }

    /**
     * Runs this hop's exchange on {@code socket}, whose far end is this hop's relay; on return its far
     * end is {@code next}. Does not close the socket: the caller does on failure.
     */
    void run(Socket socket, Deadline deadline) throws ConnectException {
        this.socket = socket;
        this.deadline = deadline;
        this.asked = "the greeting";
        try {
            this.in = socket.getInputStream();
            negotiateMethod(socket.getOutputStream());
            if (hop.user() != null) {
                authenticate(socket.getOutputStream());
            }
            requestConnect(socket.getOutputStream());
        } catch (ConnectException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw fail(ConnectFailure.GENERAL, "failed during " + asked + ": " + e, e);
        }
    }

    private void negotiateMethod(OutputStream out) throws ConnectException {
        int offered = hop.user() == null ? NO_AUTHENTICATION : USERNAME_PASSWORD;
        begin("the greeting", 2);
        send(out, new byte[] {VERSION, 1, (byte) offered});
        int version = readByte();
        if (version != VERSION) {
            throw fail(ConnectFailure.GENERAL, "answered the greeting with version " + hex(version) + " (expected 0x05): not a SOCKS5 relay");
        }
        int method = readByte();
        if (method == NO_ACCEPTABLE_METHOD) {
            throw fail(ConnectFailure.GENERAL, "no acceptable authentication method (offered " + method(offered) + ")");
        }
        if (method != offered) {
            throw fail(ConnectFailure.GENERAL, "selected authentication method " + method(method)
                    + ", which was not offered (offered " + method(offered) + ")");
        }
    }

    /** RFC 1929: {@code VER ULEN UNAME PLEN PASSWD}, answered by {@code VER STATUS}. */
    private void authenticate(OutputStream out) throws ConnectException {
        byte[] user = hop.user().getBytes(StandardCharsets.UTF_8);
        byte[] password = hop.password().getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[3 + user.length + password.length];
        message[0] = AUTH_VERSION;
        message[1] = (byte) user.length;
        System.arraycopy(user, 0, message, 2, user.length);
        message[2 + user.length] = (byte) password.length;
        System.arraycopy(password, 0, message, 3 + user.length, password.length);
        begin("the authentication", 2);
        send(out, message);
        int version = readByte();
        if (version != AUTH_VERSION) {
            throw fail(ConnectFailure.GENERAL, "answered the authentication with version " + hex(version) + " (expected 0x01, RFC 1929)");
        }
        int status = readByte();
        if (status != 0) {
            throw fail(ConnectFailure.GENERAL, "authentication failed for user " + hop.user() + " (status " + hex(status) + ")");
        }
    }

    /** {@code VER REP RSV ATYP BND.ADDR BND.PORT}, read to its last byte and not one byte further. */
    private void requestConnect(OutputStream out) throws ConnectException {
        begin("CONNECT " + next, SHORTEST_REPLY);
        expectedExact = false;
        send(out, request);
        int version = readByte();
        if (version != VERSION) {
            throw fail(ConnectFailure.GENERAL, "answered " + asked + " with version " + hex(version) + " (expected 0x05)");
        }
        int reply = readByte();
        if (reply != 0) {
            // Only the last relay's answer is about the target; an earlier relay failing to reach the next
            // relay is a fault of the path, not of the destination.
            ConnectFailure reason = lastHop ? fromReply(reply) : ConnectFailure.GENERAL;
            throw fail(reason, "reply " + hex(reply) + " (" + replyText(reply) + ") to " + asked);
        }
        int reserved = readByte();
        if (reserved != 0) {
            throw fail(ConnectFailure.GENERAL, "malformed reply to " + asked + ": reserved byte " + hex(reserved) + " (expected 0x00)");
        }
        int atyp = readByte();
        switch (atyp) {
            case ATYP_IPV4 -> expect(4 + 4 + 2);
            case ATYP_IPV6 -> expect(4 + 16 + 2);
            case ATYP_DOMAIN -> {
                expect(4 + 1 + 1 + 2); // at least: the length byte, one character and the port
                int length = readByte();
                if (length == 0) {
                    throw fail(ConnectFailure.GENERAL, "malformed reply to " + asked + ": empty domain name in BND.ADDR");
                }
                expect(4 + 1 + length + 2);
            }
            default -> throw fail(ConnectFailure.GENERAL, "malformed reply to " + asked + ": unknown address type "
                    + hex(atyp) + " (expected 0x01, 0x03 or 0x04)");
        }
        expectedExact = true;
        readFully(expected - received);
        // Nothing has been sent past this hop yet, and neither a SOCKS5 relay nor an MPP acceptor speaks
        // first, so bytes already waiting can only be more than this relay's reply declared.
        int surplus = available();
        if (surplus > 0) {
            throw fail(ConnectFailure.GENERAL, "sent " + surplus + " bytes more than its " + expected
                    + "-byte reply to " + asked + " declares");
        }
        log.debug("{}: connected to {}", label, next);
    }

    private void begin(String what, int length) {
        asked = what;
        received = 0;
        expected = length;
        expectedExact = true;
    }

    private void expect(int total) {
        expected = total;
    }

    private void send(OutputStream out, byte[] message) throws ConnectException {
        try {
            out.write(message);
            out.flush();
        } catch (IOException e) {
            throw fail(ConnectFailure.GENERAL, "could not send " + asked + ": " + e.getMessage(), e);
        }
    }

    private int readByte() throws ConnectException {
        return readFully(1)[0] & 0xFF;
    }

    /** Exactly {@code n} bytes, each read bounded by what is left of the deadline. */
    private byte[] readFully(int n) throws ConnectException {
        byte[] bytes = new byte[n];
        int offset = 0;
        while (offset < n) {
            if (deadline.passed()) {
                throw timedOut(null);
            }
            int count;
            try {
                socket.setSoTimeout(deadline.remainingMillis());
                count = in.read(bytes, offset, n - offset);
            } catch (SocketTimeoutException e) {
                throw timedOut(e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw fail(ConnectFailure.GENERAL, "interrupted while waiting for the answer to " + asked, e);
                }
                throw fail(ConnectFailure.GENERAL, "connection lost while waiting for the answer to " + asked + ": " + e.getMessage(), e);
            }
            if (count < 0) {
                throw fail(ConnectFailure.GENERAL, received == 0
                        ? "closed the connection without answering " + asked
                        : "closed the connection after " + received + " of " + expectedText() + " bytes of its answer to " + asked);
            }
            offset += count;
            received += count;
        }
        return bytes;
    }

    private int available() throws ConnectException {
        try {
            return in.available();
        } catch (IOException e) {
            throw fail(ConnectFailure.GENERAL, "connection lost after the reply to " + asked + ": " + e.getMessage(), e);
        }
    }

    private ConnectException timedOut(SocketTimeoutException cause) {
        String what = received == 0
                ? "did not answer " + asked + " within " + deadline.describe()
                : "sent " + received + " of " + expectedText() + " bytes of its answer to " + asked
                        + ", then nothing within " + deadline.describe();
        return fail(ConnectFailure.TTL_EXPIRED, what, cause);
    }

    private String expectedText() {
        return expectedExact ? String.valueOf(expected) : "at least " + expected;
    }

    private ConnectException fail(ConnectFailure reason, String what) {
        return fail(reason, what, null);
    }

    private ConnectException fail(ConnectFailure reason, String what, Throwable cause) {
        return new ConnectException(reason, label + ": " + what, cause);
    }

    /** The failure a client should see for this REP code from the last relay (RFC 1928 section 6). */
    static ConnectFailure fromReply(int reply) {
        for (ConnectFailure f : ConnectFailure.values()) {
            if (f.socksReply() == reply) {
                return f;
            }
        }
        return ConnectFailure.GENERAL;
    }

    private static String replyText(int reply) {
        return switch (reply) {
            case 0x01 -> "general SOCKS server failure";
            case 0x02 -> "connection not allowed by ruleset";
            case 0x03 -> "network unreachable";
            case 0x04 -> "host unreachable";
            case 0x05 -> "connection refused";
            case 0x06 -> "TTL expired";
            case 0x07 -> "command not supported";
            case 0x08 -> "address type not supported";
            default -> "unassigned";
        };
    }

    private static String method(int method) {
        return hex(method) + switch (method) {
            case NO_AUTHENTICATION -> " no authentication";
            case 0x01 -> " GSSAPI";
            case USERNAME_PASSWORD -> " username/password";
            default -> "";
        };
    }

    private static String hex(int b) {
        return String.format("0x%02x", b);
    }
}

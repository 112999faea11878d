package dev.mpp.plugin.socks5;

import dev.mpp.api.HostPort;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The {@code ATYP ADDR PORT} triple shared by requests, replies and UDP headers. Decoding is a
 * pure function over a buffer; it says why when the bytes are not an address.
 */
final class SocksAddress {
    private SocksAddress() {}

    /** A decoded address, or why it could not be decoded. */
    sealed interface Decoded {
        record Address(HostPort address) implements Decoded {}

        /** ATYP is none of 1, 3, 4: the rest of the message cannot be parsed. */
        record UnknownType(int atyp) implements Decoded {}

        record Truncated() implements Decoded {}

        record Invalid(String reason) implements Decoded {}
    }

    /** Number of bytes the address part takes, given its first bytes; -1 for an unknown type. */
    static int length(int atyp, int firstByteAfterAtyp) {
        return switch (atyp) {
            case Socks5.ATYP_IPV4 -> 1 + 4 + 2;
            case Socks5.ATYP_IPV6 -> 1 + 16 + 2;
            case Socks5.ATYP_DOMAIN -> 1 + 1 + firstByteAfterAtyp + 2;
            default -> -1;
        };
    }

    /** Decodes {@code ATYP ADDR PORT} at the buffer's position, advancing it. */
    static Decoded decode(ByteBuffer in) {
        try {
            int atyp = in.get() & 0xFF;
            String host;
            switch (atyp) {
                case Socks5.ATYP_IPV4, Socks5.ATYP_IPV6 -> {
                    byte[] raw = new byte[atyp == Socks5.ATYP_IPV4 ? 4 : 16];
                    in.get(raw);
                    host = InetAddress.getByAddress(raw).getHostAddress();
                }
                case Socks5.ATYP_DOMAIN -> {
                    int len = in.get() & 0xFF;
                    if (len == 0) {
                        in.getShort(); // the port, so the whole address is consumed (or Truncated if it is not there)
                        return new Decoded.Invalid("empty domain name");
                    }
                    byte[] raw = new byte[len];
                    in.get(raw);
                    host = new String(raw, StandardCharsets.ISO_8859_1);
                }
                default -> {
                    return new Decoded.UnknownType(atyp);
                }
            }
            int port = in.getShort() & 0xFFFF;
            return new Decoded.Address(new HostPort(host, port));
        } catch (BufferUnderflowException e) {
            return new Decoded.Truncated();
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /** Encodes a resolved address as ATYP 1 or 4. */
    static void encode(InetSocketAddress address, ByteArrayOutputStream out) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet6Address v6 && isV4Mapped(v6)) {
            ip = v4(v6);
        }
        out.write(ip instanceof Inet4Address ? Socks5.ATYP_IPV4 : Socks5.ATYP_IPV6);
        out.writeBytes(ip.getAddress());
        out.write(address.getPort() >> 8);
        out.write(address.getPort());
    }

    /** The all-zero IPv4 address, for replies that carry no address. */
    static final InetSocketAddress UNSPECIFIED = new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 0);

    private static boolean isV4Mapped(Inet6Address v6) {
        byte[] b = v6.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    private static InetAddress v4(Inet6Address mapped) {
        byte[] b = mapped.getAddress();
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}

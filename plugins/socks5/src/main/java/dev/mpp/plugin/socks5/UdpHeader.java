package dev.mpp.plugin.socks5;

import dev.mpp.api.HostPort;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The header of a UDP ASSOCIATE datagram (RFC 1928 section 7):
 * {@code RSV(2) FRAG(1) ATYP ADDR PORT DATA}. Pure functions over bytes.
 */
final class UdpHeader {
    private UdpHeader() {}

    sealed interface Parsed {
        /** A datagram for {@code destination}; the payload is {@code bytes[offset, length)}. */
        record Datagram(HostPort destination, int payloadOffset) implements Parsed {}

        /** A datagram to drop, and why. */
        record Dropped(String reason) implements Parsed {}
    }

    static Parsed parse(byte[] bytes, int length) {
        if (length < 4) {
            return new Parsed.Dropped("shorter than a header");
        }
        if (bytes[0] != 0 || bytes[1] != 0) {
            return new Parsed.Dropped("reserved bytes are not zero");
        }
        if (bytes[2] != 0) {
            // We do not reassemble fragments; RFC 1928 lets a server drop them.
            return new Parsed.Dropped("fragment " + (bytes[2] & 0xFF));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 3, length - 3);
        return switch (SocksAddress.decode(in)) {
            case SocksAddress.Decoded.Address(HostPort destination) -> new Parsed.Datagram(destination, in.position());
            case SocksAddress.Decoded.UnknownType(int atyp) -> new Parsed.Dropped("address type " + atyp);
            case SocksAddress.Decoded.Truncated t -> new Parsed.Dropped("truncated address");
            case SocksAddress.Decoded.Invalid(String reason) -> new Parsed.Dropped(reason);
        };
    }

    /** A datagram to the client from {@code source}. */
    static byte[] wrap(InetSocketAddress source, byte[] payload, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 22);
        out.write(0);
        out.write(0);
        out.write(0);
        SocksAddress.encode(source, out);
        out.write(payload, 0, length);
        return out.toByteArray();
    }
}

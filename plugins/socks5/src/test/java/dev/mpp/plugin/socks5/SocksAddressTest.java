package dev.mpp.plugin.socks5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mpp.api.HostPort;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ATYP ADDR PORT}: every address type, every port edge, and every way the bytes can be wrong. */
class SocksAddressTest {
    private static final byte[] IPV4 = {1, (byte) 192, (byte) 168, 1, 2, 0x1F, (byte) 0x90};
    private static final byte[] IPV6 = {4, 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80};
    private static final byte[] DOMAIN = {3, 9, 'd', 'e', 's', 't', '.', 't', 'e', 's', 't', 0x01, (byte) 0xBB};
    private static final byte[] EMPTY_DOMAIN = {3, 0, 0, 80};

    @Test
    void decodesAnIpv4Address() {
        assertDecodes(IPV4, new HostPort("192.168.1.2", 8080));
    }

    @Test
    void decodesAnIpv6Address() {
        assertDecodes(IPV6, new HostPort(InetAddress.ofLiteral("2001:db8::1").getHostAddress(), 80));
    }

    @Test
    void decodesADomainName() {
        assertDecodes(DOMAIN, new HostPort("dest.test", 443));
    }

    @Test
    void decodesA255ByteNameWithEveryByteKept() {
        byte[] name = new byte[255];
        for (int i = 0; i < name.length; i++) {
            name[i] = (byte) (i + 1); // 0x01 to 0xFF: none may be lost or changed
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(3);
        raw.write(255);
        raw.writeBytes(name);
        raw.write(0);
        raw.write(1);
        SocksAddress.Decoded decoded = SocksAddress.decode(ByteBuffer.wrap(raw.toByteArray()));
        HostPort address = assertInstanceOf(SocksAddress.Decoded.Address.class, decoded).address();
        assertEquals(1, address.port());
        assertEquals(Arrays.toString(name), Arrays.toString(address.host().getBytes(StandardCharsets.ISO_8859_1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 32767, 32768, 65534, 65535})
    void decodesEveryPortEdge(int port) {
        byte[] raw = IPV4.clone();
        raw[5] = (byte) (port >> 8);
        raw[6] = (byte) port;
        assertDecodes(raw, new HostPort("192.168.1.2", port));
    }

    @Test
    void decodesAtTheBuffersPositionAndLeavesWhatFollows() {
        ByteBuffer in = ByteBuffer.allocate(3 + DOMAIN.length + 2);
        in.put(new byte[] {9, 9, 9}).put(DOMAIN).put(new byte[] {'h', 'i'}).flip().position(3);
        assertEquals(new SocksAddress.Decoded.Address(new HostPort("dest.test", 443)), SocksAddress.decode(in));
        assertEquals(3 + DOMAIN.length, in.position());
    }

    @Test
    void everyTruncationOfEveryAddressTypeIsTruncated() {
        for (byte[] full : List.of(IPV4, IPV6, DOMAIN, EMPTY_DOMAIN)) {
            for (int length = 0; length < full.length; length++) {
                ByteBuffer in = ByteBuffer.wrap(full, 0, length);
                assertEquals(new SocksAddress.Decoded.Truncated(), SocksAddress.decode(in),
                        "first " + length + " of " + Arrays.toString(full));
            }
        }
    }

    @Test
    void emptyDomainNameIsInvalidAndItsBytesAreConsumed() {
        ByteBuffer in = ByteBuffer.wrap(EMPTY_DOMAIN);
        assertInstanceOf(SocksAddress.Decoded.Invalid.class, SocksAddress.decode(in));
        assertEquals(EMPTY_DOMAIN.length, in.position());
    }

    @Test
    void everyUnknownAddressTypeIsReportedWithItsValue() {
        for (int atyp = 0; atyp < 256; atyp++) {
            if (atyp == 1 || atyp == 3 || atyp == 4) {
                continue;
            }
            byte[] raw = IPV4.clone();
            raw[0] = (byte) atyp;
            assertEquals(new SocksAddress.Decoded.UnknownType(atyp), SocksAddress.decode(ByteBuffer.wrap(raw)));
            assertEquals(-1, SocksAddress.length(atyp, 0), "length of ATYP " + atyp);
        }
    }

    @Test
    void lengthCountsTheWholeAddressPart() {
        assertEquals(IPV4.length, SocksAddress.length(1, IPV4[1] & 0xFF));
        assertEquals(IPV6.length, SocksAddress.length(4, IPV6[1] & 0xFF));
        assertEquals(DOMAIN.length, SocksAddress.length(3, DOMAIN[1]));
        assertEquals(1 + 1 + 255 + 2, SocksAddress.length(3, 255));
    }

    @Test
    void encodesIpv4Ipv6AndIpv4MappedAddressesAndDecodesThemBack() {
        record Case(String literal, int atyp, String decodedHost) {}
        for (Case c : List.of(new Case("127.0.0.1", 1, "127.0.0.1"), new Case("0.0.0.0", 1, "0.0.0.0"),
                new Case("::1", 4, "0:0:0:0:0:0:0:1"), new Case("2001:db8::ff", 4, "2001:db8:0:0:0:0:0:ff"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SocksAddress.encode(new InetSocketAddress(InetAddress.ofLiteral(c.literal()), 65535), out);
            byte[] raw = out.toByteArray();
            assertEquals(c.atyp(), raw[0], c.literal());
            assertEquals(SocksAddress.length(c.atyp(), 0), raw.length, c.literal());
            assertDecodes(raw, new HostPort(c.decodedHost(), 65535));
        }
    }

    @Test
    void anIpv4MappedIpv6AddressIsEncodedAsIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 7;
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SocksAddress.encode(new InetSocketAddress(v6, 80), out);
        assertEquals(Arrays.toString(new byte[] {1, 10, 0, 0, 7, 0, 80}), Arrays.toString(out.toByteArray()));
    }

    private static void assertDecodes(byte[] raw, HostPort expected) {
        ByteBuffer in = ByteBuffer.wrap(raw);
        assertEquals(new SocksAddress.Decoded.Address(expected), SocksAddress.decode(in), Arrays.toString(raw));
        assertEquals(raw.length, in.position(), "the whole address is consumed");
    }
}

package dev.mpp.plugin.socks5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mpp.api.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP ASSOCIATE header, {@code RSV RSV FRAG ATYP ADDR PORT DATA}: what is relayed and what is dropped. */
class UdpHeaderTest {
    private static final byte[] PAYLOAD = {'p', 'a', 'y'};
    private static final byte[] IPV4 = datagram(0, new byte[] {1, 127, 0, 0, 1, 0, 53}, PAYLOAD);
    private static final byte[] IPV6 = datagram(0, new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 53},
            PAYLOAD);
    private static final byte[] DOMAIN = datagram(0, new byte[] {3, 4, 'a', '.', 'b', 'c', 0, 53}, PAYLOAD);

    @Test
    void parsesEachAddressTypeAndFindsThePayload() {
        assertDatagram(IPV4, new HostPort("127.0.0.1", 53), 10);
        assertDatagram(IPV6, new HostPort("0:0:0:0:0:0:0:1", 53), 3 + 19);
        assertDatagram(DOMAIN, new HostPort("a.bc", 53), 3 + 8);
    }

    @Test
    void aHeaderWithoutPayloadIsAnEmptyDatagram() {
        byte[] bare = Arrays.copyOf(IPV4, 10);
        assertDatagram(bare, new HostPort("127.0.0.1", 53), 10);
    }

    @Test
    void onlyTheReceivedLengthCounts() {
        byte[] buffer = Arrays.copyOf(IPV4, 1000); // a receive buffer: bytes past the datagram are not its payload
        UdpHeader.Parsed.Datagram parsed = assertInstanceOf(UdpHeader.Parsed.Datagram.class, UdpHeader.parse(buffer, 11));
        assertEquals(10, parsed.payloadOffset());
    }

    @Test
    void everyNonZeroFragmentIsDropped() {
        for (int frag = 1; frag < 256; frag++) {
            byte[] raw = IPV4.clone();
            raw[2] = (byte) frag;
            assertInstanceOf(UdpHeader.Parsed.Dropped.class, UdpHeader.parse(raw, raw.length), "FRAG " + frag);
        }
    }

    @Test
    void nonZeroReservedBytesAreDropped() {
        for (int at : new int[] {0, 1}) {
            byte[] raw = IPV4.clone();
            raw[at] = 1;
            assertInstanceOf(UdpHeader.Parsed.Dropped.class, UdpHeader.parse(raw, raw.length), "RSV byte " + at);
        }
    }

    @Test
    void everyTruncationOfEveryHeaderIsDropped() {
        for (byte[] full : List.of(IPV4, IPV6, DOMAIN, datagram(0, new byte[] {3, 0, 0, 53}, PAYLOAD))) {
            int headerLength = full.length - PAYLOAD.length;
            for (int length = 0; length < headerLength; length++) {
                byte[] cut = Arrays.copyOf(full, length);
                assertInstanceOf(UdpHeader.Parsed.Dropped.class, UdpHeader.parse(cut, length),
                        "first " + length + " bytes of " + Arrays.toString(full));
            }
        }
    }

    @Test
    void unknownAddressTypeAndEmptyNameAreDropped() {
        byte[] unknown = IPV4.clone();
        unknown[3] = 2;
        assertInstanceOf(UdpHeader.Parsed.Dropped.class, UdpHeader.parse(unknown, unknown.length));
        byte[] emptyName = datagram(0, new byte[] {3, 0, 0, 53}, PAYLOAD);
        assertInstanceOf(UdpHeader.Parsed.Dropped.class, UdpHeader.parse(emptyName, emptyName.length));
    }

    @Test
    void wrapPutsTheSourceInFrontAndParsesBack() {
        byte[] payload = {1, 2, 3, 4, 5};
        for (String source : List.of("192.0.2.7", "2001:db8::7")) {
            InetSocketAddress from = new InetSocketAddress(InetAddress.ofLiteral(source), 65535);
            byte[] wrapped = UdpHeader.wrap(from, payload, 4);
            assertArrayEquals(new byte[] {0, 0, 0}, Arrays.copyOf(wrapped, 3), "RSV RSV FRAG");
            UdpHeader.Parsed.Datagram parsed =
                    assertInstanceOf(UdpHeader.Parsed.Datagram.class, UdpHeader.parse(wrapped, wrapped.length));
            assertEquals(new HostPort(from.getAddress().getHostAddress(), 65535), parsed.destination());
            assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(wrapped, parsed.payloadOffset(), wrapped.length),
                    "only the first `length` bytes of the payload");
        }
    }

    private static void assertDatagram(byte[] raw, HostPort destination, int payloadOffset) {
        assertEquals(new UdpHeader.Parsed.Datagram(destination, payloadOffset), UdpHeader.parse(raw, raw.length),
                Arrays.toString(raw));
    }

    private static byte[] datagram(int frag, byte[] address, byte[] payload) {
        byte[] raw = new byte[3 + address.length + payload.length];
        raw[2] = (byte) frag;
        System.arraycopy(address, 0, raw, 3, address.length);
        System.arraycopy(payload, 0, raw, 3 + address.length, payload.length);
        return raw;
    }
}

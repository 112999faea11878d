package dev.mpp.plugin.framingbinary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.FrameDecoder;
import java.lang.module.ModuleDescriptor;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryFrameCodecTest {
    static final int MAX_PAYLOAD = 1 << 20;
    static final FrameCodec CODEC = new BinaryFrameCodecProvider().create(Options.empty("framing"));

    /** Every message, each with the edge values of its fields. */
    static List<Frame> everyFrameWithEdgeValues() {
        byte[] zeros16 = new byte[16];
        byte[] ones16 = filled(16, 0xFF);
        byte[] zeros32 = new byte[32];
        byte[] ones32 = filled(32, 0xFF);
        var longest = new ArrayList<Frame.SeqRange>();
        for (int i = 0; i < Frame.Ack.MAX_RANGES; i++) {
            longest.add(new Frame.SeqRange(-2L * (i + 1), -2L * (i + 1) + 1));
        }
        String longestMessage = "€".repeat(1024); // 3 bytes each in UTF-8: the longest message body
        return List.of(
                new Frame.Open(new Mid(0, 0), new HostPort("a", 0), 0, zeros16, zeros32, 0),
                new Frame.Open(new Mid(-1, -1), new HostPort("h".repeat(255), 65535), Long.MAX_VALUE, ones16, ones32,
                        Long.MAX_VALUE),
                new Frame.Open(Mid.parse("0123456789abcdef0123456789ABCDEF"), new HostPort("2001:db8::1", 443), 1_764_000_000, ones16, zeros32, 4096),
                new Frame.OpenOk(zeros16, zeros32, 0),
                new Frame.OpenOk(ones16, ones32, Long.MAX_VALUE),
                new Frame.OpenError(new ErrorCode(0), ""),
                new Frame.OpenError(new ErrorCode(65535), longestMessage),
                new Frame.OpenError(ErrorCode.CONNECTION_REFUSED, "refused\r\n\r\nstill the message: 😀"),
                new Frame.Join(new Mid(0, 0), zeros16, zeros32),
                new Frame.Join(new Mid(-1, -1), ones16, ones32),
                new Frame.JoinOk(zeros32),
                new Frame.JoinOk(ones32),
                new Frame.JoinError(ErrorCode.AUTHENTICATION_FAILED, ""),
                new Frame.JoinError(new ErrorCode(65535), longestMessage),
                new Frame.Data(0, new byte[0]),
                new Frame.Data(-1, new byte[] {0}), // 0xFFFFFFFFFFFFFFFF, the last sequence number
                new Frame.Data(Long.MAX_VALUE, "DATA\r\nSeq: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                new Frame.Data(Long.MIN_VALUE, filled(MAX_PAYLOAD, 0xA5)),
                new Frame.Ack(0, List.of(), 0),
                new Frame.Ack(-1, List.of(new Frame.SeqRange(-1, -1)), -1),
                new Frame.Ack(5, longest, Long.MIN_VALUE),
                new Frame.Ping(0),
                new Frame.Ping(-1),
                new Frame.Pong(0),
                new Frame.Pong(-1),
                new Frame.Fin(0),
                new Frame.Fin(-1),
                new Frame.Close(),
                new Frame.Reset(new ErrorCode(0), ""),
                new Frame.Reset(ErrorCode.PROTOCOL_ERROR, longestMessage));
    }

    @Test
    void theEdgeValueSamplesCoverEveryMessage() {
        Set<Class<?>> covered = everyFrameWithEdgeValues().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(Frame.class.getPermittedSubclasses()), covered);
    }

    @ParameterizedTest
    @MethodSource("everyFrameWithEdgeValues")
    void everyFrameSurvivesARoundTrip(Frame frame) {
        ByteBuffer wire = encode(List.of(frame));
        assertEquals(List.of(frame), decodeAll(List.of(wire)));
    }

    @ParameterizedTest
    @MethodSource("everyFrameWithEdgeValues")
    void theEncodedSizeNeverExceedsMaxEncodedSize(Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(CODEC.maxEncodedSize(frame));
        CODEC.encode(frame, out);
        assertFalse(out.position() == 0);
    }

    @Test
    void aBufferTooSmallIsRefusedAndLeftUntouched() {
        ByteBuffer out = ByteBuffer.allocate(12);
        assertThrows(BufferOverflowException.class, () -> CODEC.encode(new Frame.Ping(1), out));
        assertEquals(0, out.position());
    }

    @Test
    void theEncoderRefusesAPayloadOverTheConfiguredMaximum() {
        FrameCodec small = new BinaryFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 100L)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> small.encode(new Frame.Data(0, new byte[101]), ByteBuffer.allocate(4096)));
        assertEquals("payload: 101 bytes (expected: at most 100)", e.getMessage());
    }

    @Test
    void theEncoderRefusesAHostThatIsNotPrintableAscii() {
        var open = new Frame.Open(new Mid(1, 2), new HostPort("bücher.example", 80), 0, new byte[16], new byte[32], 0);
        var e = assertThrows(IllegalArgumentException.class, () -> CODEC.encode(open, ByteBuffer.allocate(1024)));
        assertEquals("destination: 'bücher.example' has character U+00FC at 1 (expected: printable ASCII; "
                + "convert names with java.net.IDN.toASCII)", e.getMessage());
    }

    @Test
    void maxPayloadIsAnOptionWithLimits() {
        var e = assertThrows(ConfigException.class,
                () -> new BinaryFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 0L))));
        assertEquals("framing.maxPayload: 0 is out of range (expected 1 to 16777216)", e.getMessage());
        var unknown = assertThrows(ConfigException.class,
                () -> new BinaryFrameCodecProvider().create(Options.of("framing", Map.of("maxPayloads", 1L))));
        assertEquals("framing.maxPayloads: unknown option (expected one of: maxPayload)", unknown.getMessage());
    }

    // ---- Any split of the stream decodes the same ----

    /** Small enough to split at every offset quickly; still holds every message type. */
    static List<Frame> stream() {
        return everyFrameWithEdgeValues().stream()
                .filter(f -> !(f instanceof Frame.Data d && d.payload().length == MAX_PAYLOAD))
                .toList();
    }

    @Test
    void aStreamSplitInTwoAtEveryOffsetDecodesTheSame() {
        List<Frame> frames = stream();
        byte[] wire = bytes(encode(frames));
        for (int at = 0; at <= wire.length; at++) {
            var parts = List.of(ByteBuffer.wrap(wire, 0, at).slice(), ByteBuffer.wrap(wire, at, wire.length - at).slice());
            assertEquals(frames, decodeAll(parts), "split at " + at);
        }
    }

    @Test
    void aStreamFedOneByteAtATimeDecodesTheSame() {
        byte[] wire = bytes(encode(stream()));
        var parts = IntStream.range(0, wire.length).mapToObj(i -> ByteBuffer.wrap(wire, i, 1).slice()).toList();
        assertEquals(stream(), decodeAll(parts));
    }

    @Test
    void aStreamSplitAtRandomOffsetsDecodesTheSame() {
        long seed = Long.getLong("mpp.test.seed", System.nanoTime());
        System.err.println("aStreamSplitAtRandomOffsetsDecodesTheSame: seed " + seed + " (rerun with -Dmpp.test.seed=" + seed + ")");
        var random = new Random(seed);
        List<Frame> frames = new ArrayList<>(stream());
        frames.add(new Frame.Data(1, filled(MAX_PAYLOAD, 0x5A)));
        byte[] wire = bytes(encode(frames));
        for (int round = 0; round < 40; round++) {
            var parts = new ArrayList<ByteBuffer>();
            for (int at = 0; at < wire.length; ) {
                int n = Math.min(wire.length - at, random.nextInt(random.nextBoolean() ? 16 : 70_000) + 1);
                parts.add(ByteBuffer.wrap(wire, at, n).slice());
                at += n;
            }
            assertEquals(frames, decodeAll(parts), "seed " + seed + ", round " + round);
        }
    }

    @Test
    void manyFramesCoalescedIntoOneReadAllDecodeInOrder() {
        var frames = new ArrayList<Frame>();
        for (int i = 0; i < 10_000; i++) {
            frames.add(i % 3 == 0 ? new Frame.Ack(i, List.of(), i + 64L) : new Frame.Data(i, new byte[i % 100]));
        }
        assertEquals(frames, decodeAll(List.of(encode(frames))));
    }

    @Test
    void aDataFrameCostsThirteenBytesOfHeader() {
        ByteBuffer wire = encode(List.of(new Frame.Data(0x0102030405060708L, new byte[] {(byte) 0xAB, (byte) 0xCD})));
        assertEquals("10 0000000a 0102030405060708 abcd", hex(wire, 1, 4, 8, 2));
        assertEquals(16384 + 13, CODEC.maxEncodedSize(new Frame.Data(0, new byte[16384])));
    }

    @Test
    void anAckIsItsCumulativeNumberWindowAndRanges() {
        ByteBuffer wire = encode(List.of(new Frame.Ack(3, List.of(new Frame.SeqRange(5, 6)), 67)));
        assertEquals("11 00000020 0000000000000003 0000000000000043 0000000000000005 0000000000000006",
                hex(wire, 1, 4, 8, 8, 8, 8));
    }

    // ---- Malformed input ----

    static Stream<Arguments> malformedInputs() {
        String open = "01 00000053 " + "00".repeat(16) + " 0000000000000000 " + "00".repeat(48);
        return Stream.of(
                Arguments.of("00 00000000", "type 0x00 (expected: 0x01-0x06 or 0x10-0x16)"),
                Arguments.of("4d 50502f31", "type 0x4d (expected: 0x01-0x06 or 0x10-0x16)"),
                Arguments.of("10 00000007", "DATA: length 7 (expected: 8-1048584)"),
                Arguments.of("10 00100009", "DATA: length 1048585 (expected: 8-1048584)"),
                Arguments.of("10 ffffffff", "DATA: length 4294967295 (expected: 8-1048584)"),
                Arguments.of("12 00000009", "PING: length 9 (expected: 8)"),
                Arguments.of("15 00000001", "CLOSE: length 1 (expected: 0)"),
                Arguments.of("01 00000052", "OPEN: length 82 (expected: 83-337)"),
                Arguments.of("02 00000039", "OPEN-OK: length 57 (expected: 56)"),
                Arguments.of("04 00000000", "JOIN: length 0 (expected: 64)"),
                Arguments.of("05 00000021", "JOIN-OK: length 33 (expected: 32)"),
                Arguments.of("16 00000001", "RESET: length 1 (expected: 2-3074)"),
                Arguments.of("06 00000c03", "JOIN-ERROR: length 3075 (expected: 2-3074)"),
                Arguments.of("11 00000018", "ACK: length 24 (expected: 16 + 16 per range)"),
                Arguments.of("11 00000420", "ACK: length 1056 (expected: 16-1040)"),
                Arguments.of("11 00000020 0000000000000001 0000000000000009 0000000000000005 0000000000000003",
                        "ACK: range: 5-3 (expected: first <= last)"),
                Arguments.of("03 00000003 0001 ff", "OPEN-ERROR: message is not UTF-8"),
                Arguments.of("16 00000004 0001 c328", "RESET: message is not UTF-8"),
                Arguments.of(open + " 0000000000000000 0050 20", "OPEN: host byte 0x20 at 0 (expected: printable ASCII)"),
                Arguments.of(open + " ffffffffffffffff 0050 61", "OPEN: window: -1 (expected: 0 or more)"),
                Arguments.of("01 00000053 " + "00".repeat(16) + " 8000000000000000 " + "00".repeat(48) + " 0000000000000000 0050 61",
                        "OPEN: time: -9223372036854775808 (expected: 0 or more)"),
                Arguments.of("02 00000038 " + "00".repeat(48) + " 8000000000000000",
                        "OPEN-OK: window: -9223372036854775808 (expected: 0 or more)"));
    }

    @ParameterizedTest
    @MethodSource("malformedInputs")
    void malformedInputIsRejectedWithAReason(String input, String reason) {
        FrameDecoder decoder = CODEC.newDecoder();
        DecodeResult result = decoder.decode(hex(input));
        assertEquals(new DecodeResult.Malformed(reason), result);
        assertEquals(result, decoder.decode(hex("12 00000008 0000000000000001")), "a failed decoder stays failed");
    }

    @Test
    void anImpossibleLengthFailsAsSoonAsTheHeaderIsCompleteWithoutWaitingForTheBody() {
        FrameDecoder decoder = CODEC.newDecoder();
        assertEquals(DecodeResult.NEED_MORE, decoder.decode(hex("10 0010")));
        assertEquals(new DecodeResult.Malformed("DATA: length 1048585 (expected: 8-1048584)"), decoder.decode(hex("0009")));
    }

    @Test
    void aSmallerConfiguredMaximumShrinksTheAcceptedLength() {
        FrameCodec small = new BinaryFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 100L)));
        assertEquals(new DecodeResult.Malformed("DATA: length 109 (expected: 8-108)"), small.newDecoder().decode(hex("10 0000006d")));
        assertInstanceOf(DecodeResult.Decoded.class, small.newDecoder().decode(encode(List.of(new Frame.Data(1, new byte[100])))));
    }

    @Test
    void theModuleProvidesTheCodecUnderItsNameAndExportsNothing() {
        ModuleDescriptor descriptor = BinaryFrameCodecProvider.class.getModule().getDescriptor();
        assertEquals("dev.mpp.plugin.framingbinary", descriptor.name());
        assertEquals(Set.of(), descriptor.exports());
        assertEquals(Set.of(FrameCodecProvider.class.getName() + " with " + BinaryFrameCodecProvider.class.getName()),
                descriptor.provides().stream().map(p -> p.service() + " with " + String.join(", ", p.providers()))
                        .collect(Collectors.toSet()));
        assertEquals("binary", new BinaryFrameCodecProvider().name());
    }

    // ---- helpers ----

    static ByteBuffer encode(List<Frame> frames) {
        int size = frames.stream().mapToInt(CODEC::maxEncodedSize).sum();
        ByteBuffer out = ByteBuffer.allocate(size);
        frames.forEach(f -> CODEC.encode(f, out));
        return out.flip();
    }

    /** Feeds the parts in order, as reads from a socket, and checks the decoder's contract on each call. */
    static List<Frame> decodeAll(List<ByteBuffer> parts) {
        FrameDecoder decoder = CODEC.newDecoder();
        var frames = new ArrayList<Frame>();
        for (ByteBuffer part : parts) {
            while (true) {
                switch (decoder.decode(part)) {
                    case DecodeResult.Decoded(Frame f) -> frames.add(f);
                    case DecodeResult.NeedMore _ -> {
                        assertFalse(part.hasRemaining(), "NeedMore with bytes left unconsumed");
                    }
                    case DecodeResult.Malformed(String reason) -> fail("malformed: " + reason);
                }
                if (!part.hasRemaining()) {
                    break;
                }
            }
        }
        assertEquals(DecodeResult.NEED_MORE, decoder.decode(ByteBuffer.allocate(0)), "a frame left half decoded");
        return frames;
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static ByteBuffer hex(String spaced) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(spaced.replace(" ", "")));
    }

    /** The bytes as hex, a space after each group of the given sizes. */
    static String hex(ByteBuffer b, int... groups) {
        String all = HexFormat.of().formatHex(bytes(b));
        var out = new StringBuilder();
        int at = 0;
        for (int g : groups) {
            out.append(out.isEmpty() ? "" : " ").append(all, at, at + 2 * g);
            at += 2 * g;
        }
        assertEquals(all.length(), at, "groups cover the frame");
        return out.toString();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void roundTripKeepsPayloadBytesExactly() {
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        var decoded = (Frame.Data) decodeAll(List.of(encode(List.of(new Frame.Data(3, payload))))).getFirst();
        assertArrayEquals(payload, decoded.payload());
    }
}

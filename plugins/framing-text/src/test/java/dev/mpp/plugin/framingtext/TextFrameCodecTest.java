package dev.mpp.plugin.framingtext;

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

class TextFrameCodecTest {
    static final int MAX_PAYLOAD = 1 << 20;
    static final FrameCodec CODEC = new TextFrameCodecProvider().create(Options.empty("framing"));

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
    void aFrameLooksLikeThePapersHeadersOnTheWire() {
        ByteBuffer wire = encode(List.of(new Frame.Data(42, "hello".getBytes(StandardCharsets.US_ASCII)),
                new Frame.Ping(7)));
        assertEquals("DATA\r\nSeq: 42\r\nContent-Length: 5\r\n\r\nhello" + "PING\r\nToken: 7\r\n\r\n", ascii(wire));
    }

    @Test
    void framesTypedIntoNetcatWithBareLineFeedsDecode() {
        String typed = "\nPING\nToken: 7\n\n\n"; // stray Enters between frames are tolerated
        assertEquals(List.of(new Frame.Ping(7)), decodeAll(List.of(ByteBuffer.wrap(typed.getBytes(StandardCharsets.US_ASCII)))));
        assertEquals(List.of(new Frame.Data(3, "hi\n".getBytes(StandardCharsets.US_ASCII))),
                decodeAll(List.of(ascii("DATA\nseq: 3\ncontent-length: 3\n\nhi\n"))));
    }

    @Test
    void unknownHeadersAreIgnoredSoNewerPeersCanAddThem() {
        assertEquals(List.of(new Frame.Fin(9)), decodeAll(List.of(ascii("FIN\r\nSeq: 9\r\nX-Trace: abc\r\n\r\n"))));
    }

    @Test
    void aBufferTooSmallIsRefusedAndLeftUntouched() {
        ByteBuffer out = ByteBuffer.allocate(10);
        assertThrows(BufferOverflowException.class, () -> CODEC.encode(new Frame.Ping(1), out));
        assertEquals(0, out.position());
    }

    @Test
    void theEncoderRefusesAPayloadOverTheConfiguredMaximum() {
        FrameCodec small = new TextFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 100L)));
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
                () -> new TextFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 0L))));
        assertEquals("framing.maxPayload: 0 is out of range (expected 1 to 16777216)", e.getMessage());
        var unknown = assertThrows(ConfigException.class,
                () -> new TextFrameCodecProvider().create(Options.of("framing", Map.of("maxPayloads", 1L))));
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

    // ---- Malformed input ----

    static Stream<Arguments> malformedInputs() {
        String hex32 = "0".repeat(32);
        String hex64 = "0".repeat(64);
        String headers65 = IntStream.range(0, 65).mapToObj(i -> "X-" + i + ": " + i + "\r\n").collect(Collectors.joining());
        String ranges65 = IntStream.range(0, 65).mapToObj(i -> i + "-" + i).collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("HELLO\r\n", "line 1: 'HELLO' (expected: OPEN, OPEN-OK, OPEN-ERROR, JOIN, JOIN-OK, "
                        + "JOIN-ERROR, DATA, ACK, PING, PONG, FIN, CLOSE or RESET)"),
                Arguments.of("GET / HTTP/1.1\r\n", "line 1: 'GET / HTTP/1.1' (expected: OPEN, OPEN-OK, OPEN-ERROR, "
                        + "JOIN, JOIN-OK, JOIN-ERROR, DATA, ACK, PING, PONG, FIN, CLOSE or RESET)"),
                Arguments.of("DATA\r\nSeq: x\r\n\r\n", "DATA: Seq: 'x' (expected: 0-18446744073709551615)"),
                Arguments.of("DATA\r\nSeq: -1\r\n\r\n", "DATA: Seq: '-1' (expected: 0-18446744073709551615)"),
                Arguments.of("DATA\r\nSeq: 18446744073709551616\r\n\r\n",
                        "DATA: Seq: 18446744073709551616 (expected: 0-18446744073709551615)"),
                Arguments.of("DATA\r\nContent-Length: 0\r\n\r\n", "DATA: missing header Seq"),
                Arguments.of("DATA\r\nSeq: 1\r\nContent-Length: 1048577\r\n\r\n",
                        "DATA: Content-Length: 1048577 (expected: 0-1048576)"),
                Arguments.of("DATA\r\nSeq: 1\r\nContent-Length: 99999999999\r\n\r\n",
                        "DATA: Content-Length: 99999999999 (expected: 0-1048576)"),
                Arguments.of("DATA\r\nSeq: 1\r\nContent-Length: +5\r\n\r\n", "DATA: Content-Length: +5 (expected: 0-1048576)"),
                Arguments.of("PING\r\nToken: 1\r\nContent-Length: 1\r\n\r\n", "PING: Content-Length: 1 (expected: 0)"),
                Arguments.of("PING\r\nToken: 1\r\ntoken: 2\r\n", "PING: header token appears twice"),
                Arguments.of("PING\r\nno colon\r\n", "line 2: 'no colon' (expected: Name: value)"),
                Arguments.of("PING\r\n: 1\r\n", "line 2: ': 1' (expected: Name: value)"),
                Arguments.of("PING\r\nTo ken: 1\r\n", "line 2: header name 'To ken' (expected: letters, digits and '-')"),
                Arguments.of("PING\r\nToken: \u0001\r\n", "line 2: byte 0x01 at column 8 (expected: printable ASCII)"),
                Arguments.of("PING\r\nToken: 1\u00ff\r\n", "line 2: byte 0xff at column 9 (expected: printable ASCII)"),
                Arguments.of("PING\r\n" + headers65, "PING: more than 64 headers"),
                Arguments.of("OPEN-ERROR\r\nCode: 70000\r\n\r\n", "OPEN-ERROR: Code: '70000' (expected: 0-65535)"),
                Arguments.of("RESET\r\nCode: 1\r\nContent-Length: 1\r\n\r\n\u00ff", "RESET: message is not UTF-8"),
                Arguments.of("RESET\r\nCode: 1\r\nContent-Length: 3073\r\n\r\n", "RESET: Content-Length: 3073 (expected: 0-3072)"),
                Arguments.of("RESET\r\nCode: 1\r\nContent-Length: 1025\r\n\r\n" + "a".repeat(1025),
                        "message: 1025 characters (expected: at most 1024)"),
                Arguments.of("JOIN\r\nMid: zz\r\nNonce: " + hex32 + "\r\nProof: " + hex64 + "\r\n\r\n",
                        "JOIN: Mid: 'zz' (expected: 32 hex digits)"),
                Arguments.of("JOIN-OK\r\nProof: " + hex32 + "\r\n\r\n", "JOIN-OK: Proof: '" + hex32 + "' (expected: 64 hex digits)"),
                Arguments.of("OPEN\r\nMid: " + hex32 + "\r\nDestination: host\r\nTime: 0\r\nNonce: " + hex32 + "\r\nProof: "
                        + hex64 + "\r\nWindow: 0\r\n\r\n",
                        "OPEN: Destination: 'host' is not an address (expected host:port or [ipv6]:port)"),
                Arguments.of("OPEN-OK\r\nNonce: " + hex32 + "\r\nProof: " + hex64 + "\r\nWindow: 9223372036854775808\r\n\r\n",
                        "OPEN-OK: Window: '9223372036854775808' (expected: 0-9223372036854775807)"),
                Arguments.of("ACK\r\nCumulative: 1\r\nRanges: 5-3\r\nWindow: 9\r\n\r\n", "range: 5-3 (expected: first <= last)"),
                Arguments.of("ACK\r\nCumulative: 1\r\nRanges: 5\r\nWindow: 9\r\n\r\n",
                        "ACK: Ranges: '5' (expected: first-last, each 0-18446744073709551615)"),
                Arguments.of("ACK\r\nCumulative: 1\r\nRanges: " + ranges65 + "\r\nWindow: 9\r\n\r\n", "ACK: Ranges: more than 64 ranges"));
    }

    @ParameterizedTest
    @MethodSource("malformedInputs")
    void malformedInputIsRejectedWithAReason(String input, String reason) {
        FrameDecoder decoder = CODEC.newDecoder();
        DecodeResult result = decoder.decode(ascii(input));
        assertEquals(new DecodeResult.Malformed(reason), result);
        assertEquals(result, decoder.decode(ascii("PING\r\nToken: 1\r\n\r\n")), "a failed decoder stays failed");
    }

    @Test
    void aLineLongerThan8KiBIsRejectedBeforeItsEndArrives() {
        FrameDecoder decoder = CODEC.newDecoder();
        assertEquals(DecodeResult.NEED_MORE, decoder.decode(ascii("PING\r\nX-Pad: " + "p".repeat(8192 - 7) + "\r")));
        assertEquals(new DecodeResult.Malformed("line 2: longer than 8192 bytes"), decoder.decode(ascii("p")));
    }

    @Test
    void linesOfExactly8KiBAnd64HeadersAreAccepted() {
        String pad = "X-Pad: " + "p".repeat(8192 - 7) + "\r\n";
        String more = IntStream.range(0, 62).mapToObj(i -> "X-" + i + ": " + i + "\r\n").collect(Collectors.joining());
        assertEquals(List.of(new Frame.Ping(1)), decodeAll(List.of(ascii("PING\r\n" + pad + more + "Token: 1\r\n\r\n"))));
    }

    @Test
    void aDeclaredLengthIsNotWaitedForWhenTheHeadAlreadyShowsItTooLong() {
        FrameDecoder decoder = CODEC.newDecoder();
        assertInstanceOf(DecodeResult.Malformed.class, decoder.decode(ascii("DATA\r\nSeq: 1\r\nContent-Length: 1048577\r\n\r\n")));
    }

    @Test
    void theModuleProvidesTheCodecUnderItsNameAndExportsNothing() {
        ModuleDescriptor descriptor = TextFrameCodecProvider.class.getModule().getDescriptor();
        assertEquals("dev.mpp.plugin.framingtext", descriptor.name());
        assertEquals(Set.of(), descriptor.exports());
        assertEquals(Set.of(FrameCodecProvider.class.getName() + " with " + TextFrameCodecProvider.class.getName()),
                descriptor.provides().stream().map(p -> p.service() + " with " + String.join(", ", p.providers()))
                        .collect(Collectors.toSet()));
        assertEquals("text", new TextFrameCodecProvider().name());
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

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String ascii(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString();
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

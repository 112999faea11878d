package dev.mpp.plugin.framingbinary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mpp.api.Options;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Any bytes at all, fed in any chunks: the decoder never throws, never stalls, decodes the same as
 * when fed in one piece, and every frame it accepts re-encodes to a frame that decodes equal.
 * Runs the inputs under {@code src/test/resources/.../BinaryFrameDecoderFuzzTestInputs} in every
 * build; {@code JAZZER_FUZZ=1} fuzzes (docs/fuzzing.md).
 */
class BinaryFrameDecoderFuzzTest {
    /** Small, so that inputs of a few KiB reach the payload limit. */
    static final FrameCodec CODEC = new BinaryFrameCodecProvider().create(Options.of("framing", Map.of("maxPayload", 4096L)));

    @FuzzTest(maxDuration = "30s")
    void anyBytesInAnyChunksDecodeTheSameAndNeverThrow(FuzzedDataProvider data) {
        // Integral values come from the end of the input, so a seed is a byte stream plus one chunk byte.
        int chunk = (data.consumeByte() & 0xFF) + 1;
        byte[] input = data.consumeRemainingAsBytes();

        List<Object> whole = decode(input, input.length == 0 ? 1 : input.length);
        assertEquals(whole, decode(input, chunk), "chunks of " + chunk);

        for (Object result : whole) {
            if (result instanceof Frame frame) {
                ByteBuffer out = ByteBuffer.allocate(CODEC.maxEncodedSize(frame));
                CODEC.encode(frame, out);
                byte[] wire = Arrays.copyOf(out.array(), out.position());
                assertEquals(List.of(frame), decode(wire, wire.length), "re-encoded " + frame);
            }
        }
    }

    /** The frames decoded, then the Malformed reason if the input ended in one. */
    static List<Object> decode(byte[] input, int chunk) {
        FrameDecoder decoder = CODEC.newDecoder();
        var results = new ArrayList<Object>();
        for (int at = 0; at < input.length; at += chunk) {
            ByteBuffer part = ByteBuffer.wrap(input, at, Math.min(chunk, input.length - at));
            while (true) {
                int before = part.position();
                switch (decoder.decode(part)) {
                    case DecodeResult.Decoded(Frame f) -> {
                        // A frame that costs no bytes could be returned forever.
                        assertTrue(part.position() > before, "a frame from no bytes");
                        results.add(f);
                    }
                    case DecodeResult.NeedMore _ -> assertTrue(!part.hasRemaining(), "NeedMore with bytes left");
                    case DecodeResult.Malformed(String reason) -> {
                        assertTrue(!reason.isBlank(), "a Malformed without a reason");
                        results.add(reason);
                        return results;
                    }
                }
                if (!part.hasRemaining()) {
                    break;
                }
            }
        }
        return results;
    }
}

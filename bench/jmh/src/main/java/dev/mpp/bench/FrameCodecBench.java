package dev.mpp.bench;

import dev.mpp.api.Options;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.FrameDecoder;
import dev.mpp.plugin.framingbinary.BinaryFrameCodecProvider;
import dev.mpp.plugin.framingtext.TextFrameCodecProvider;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of one 16 KiB DATA frame per operation, in each framing; compare with
 * {@link MemoryCopyBench}. One thread: the figure is per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class FrameCodecBench {
    public static final int PAYLOAD = 16 * 1024;

    @Param({"binary", "text"})
    public String framing;

    private FrameCodec codec;
    private FrameDecoder decoder;
    private Frame.Data frame;
    private ByteBuffer out;
    private ByteBuffer wire;

    static FrameCodecProvider provider(String name) {
        return switch (name) {
            case "binary" -> new BinaryFrameCodecProvider();
            case "text" -> new TextFrameCodecProvider();
            default -> throw new IllegalArgumentException("framing: '" + name + "' (expected: binary or text)");
        };
    }

    @Setup
    public void setUp() {
        codec = provider(framing).create(Options.empty("framing"));
        decoder = codec.newDecoder();
        byte[] payload = new byte[PAYLOAD];
        new Random(1).nextBytes(payload);
        // A sequence number with 19 decimal digits, so the text header is near its widest.
        frame = new Frame.Data(1_234_567_890_123_456_789L, payload);
        out = ByteBuffer.allocate(codec.maxEncodedSize(frame));
        codec.encode(frame, out);
        wire = out.duplicate().flip();
    }

    @Benchmark
    public ByteBuffer encode() {
        out.clear();
        codec.encode(frame, out);
        return out;
    }

    @Benchmark
    public Frame decode() {
        wire.rewind();
        return ((DecodeResult.Decoded) decoder.decode(wire)).frame();
    }

    @Benchmark
    public Frame encodeDecode() {
        out.clear();
        codec.encode(frame, out);
        out.flip();
        return ((DecodeResult.Decoded) decoder.decode(out)).frame();
    }
}

package dev.mpp.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory copies that bound {@link FrameCodecBench}: any decoder that hands out its own
 * {@code byte[]} must at least allocate it and copy 16 KiB into it, and any encoder must put the
 * payload into the output buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class MemoryCopyBench {
    private byte[] payload;
    private byte[] copy;
    private ByteBuffer wire;
    private ByteBuffer out;

    @Setup
    public void setUp() {
        payload = new byte[FrameCodecBench.PAYLOAD];
        new Random(1).nextBytes(payload);
        copy = new byte[FrameCodecBench.PAYLOAD];
        wire = ByteBuffer.wrap(payload.clone());
        out = ByteBuffer.allocate(FrameCodecBench.PAYLOAD);
    }

    /** The floor for decode: a fresh array and one copy into it, which is what decode must hand out. */
    @Benchmark
    public byte[] baselineAllocateAndCopy() {
        byte[] b = new byte[FrameCodecBench.PAYLOAD];
        wire.get(0, b);
        return b;
    }

    /** A copy into an existing array: the memory-copy speed of this core. */
    @Benchmark
    public byte[] baselineArraycopy() {
        System.arraycopy(payload, 0, copy, 0, FrameCodecBench.PAYLOAD);
        return copy;
    }

    /** The floor for encode: the payload put into a buffer. */
    @Benchmark
    public ByteBuffer baselineBufferPut() {
        out.clear();
        out.put(payload);
        return out;
    }
}

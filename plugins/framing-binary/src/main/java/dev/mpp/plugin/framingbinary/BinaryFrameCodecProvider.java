package dev.mpp.plugin.framingbinary;

import dev.mpp.api.Options;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import java.util.Set;

/** The {@code binary} framing; options: {@code maxPayload} (bytes, default 1 MiB). */
public final class BinaryFrameCodecProvider implements FrameCodecProvider {
    static final int DEFAULT_MAX_PAYLOAD = 1 << 20;
    static final int MAX_MAX_PAYLOAD = 16 << 20;

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public String description() {
        return "compact fixed headers, 13 bytes per DATA frame";
    }

    @Override
    public FrameCodec create(Options options) {
        options.requireOnly(Set.of("maxPayload"));
        return new BinaryFrameCodec((int) options.integer("maxPayload", DEFAULT_MAX_PAYLOAD, 1, MAX_MAX_PAYLOAD));
    }
}

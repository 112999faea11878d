package dev.mpp.plugin.framingtext;

import dev.mpp.api.Options;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import java.util.Set;

/** The {@code text} framing; options: {@code maxPayload} (bytes, default 1 MiB). */
public final class TextFrameCodecProvider implements FrameCodecProvider {
    static final int DEFAULT_MAX_PAYLOAD = 1 << 20;
    static final int MAX_MAX_PAYLOAD = 16 << 20;

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String description() {
        return "HTTP-like header lines and Content-Length payload, typeable with netcat";
    }

    @Override
    public FrameCodec create(Options options) {
        options.requireOnly(Set.of("maxPayload"));
        return new TextFrameCodec((int) options.integer("maxPayload", DEFAULT_MAX_PAYLOAD, 1, MAX_MAX_PAYLOAD));
    }
}

package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link FrameCodec}s: {@code text} and {@code binary}. */
public interface FrameCodecProvider extends PluginProvider {
    /** Called once at start-up; options include {@code maxPayload} (default 1 MiB). */
    FrameCodec create(Options options);
}

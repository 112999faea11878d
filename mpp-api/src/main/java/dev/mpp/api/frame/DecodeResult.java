package dev.mpp.api.frame;

/** What a {@link dev.mpp.api.spi.FrameDecoder} made of the bytes it was given. */
public sealed interface DecodeResult {
    /** A whole frame. */
    record Decoded(Frame frame) implements DecodeResult {}

    /** Not enough bytes yet: read more and call again. */
    record NeedMore() implements DecodeResult {}

    /** The stream is malformed; the path must be closed with this reason. */
    record Malformed(String reason) implements DecodeResult {}

    DecodeResult NEED_MORE = new NeedMore();
}

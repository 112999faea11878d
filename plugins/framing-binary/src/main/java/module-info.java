/**
 * The {@code binary} framing of MPP: a 5-byte header (type, body length) and a fixed layout per
 * message; 13 bytes of overhead per DATA frame. The default framing for data.
 */
module dev.mpp.plugin.framingbinary {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.FrameCodecProvider with dev.mpp.plugin.framingbinary.BinaryFrameCodecProvider;
}

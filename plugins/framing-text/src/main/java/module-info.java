/**
 * The {@code text} framing of MPP: the paper's HTTP-like header lines, a blank line, then exactly
 * {@code Content-Length} bytes of payload. Readable in a packet capture and typeable with netcat.
 */
module dev.mpp.plugin.framingtext {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.FrameCodecProvider with dev.mpp.plugin.framingtext.TextFrameCodecProvider;
}

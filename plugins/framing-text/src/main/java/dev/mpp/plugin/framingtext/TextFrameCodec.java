package dev.mpp.plugin.framingtext;

import dev.mpp.api.HostPort;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Frame.Ack;
import dev.mpp.api.frame.Frame.Close;
import dev.mpp.api.frame.Frame.Data;
import dev.mpp.api.frame.Frame.Fin;
import dev.mpp.api.frame.Frame.Join;
import dev.mpp.api.frame.Frame.JoinError;
import dev.mpp.api.frame.Frame.JoinOk;
import dev.mpp.api.frame.Frame.Open;
import dev.mpp.api.frame.Frame.OpenError;
import dev.mpp.api.frame.Frame.OpenOk;
import dev.mpp.api.frame.Frame.Ping;
import dev.mpp.api.frame.Frame.Pong;
import dev.mpp.api.frame.Frame.Reset;
import dev.mpp.api.frame.Frame.SeqRange;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameDecoder;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The text framing (docs/mpp-protocol.md, "Text framing"): a start line naming the message,
 * {@code Name: value} header lines, a blank line, then {@code Content-Length} bytes. Lines end in
 * CRLF when written; a bare LF is accepted when read, so a person can type frames into netcat.
 */
final class TextFrameCodec implements FrameCodec {
    /** The longest header or start line, without its line end. */
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 64;
    /** A message of at most 1024 UTF-16 chars is at most 3 bytes per char in UTF-8. */
    static final int MAX_MESSAGE_BYTES = 3 * 1024;

    private static final HexFormat HEX = HexFormat.of();

    private final int maxPayload;

    TextFrameCodec(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    @Override
    public int maxEncodedSize(Frame frame) {
        // Start line and headers are bounded by their fixed names and the widest value of each field.
        return switch (frame) {
            case Open o -> 256 + o.destination().host().length();
            case OpenOk _, Join _, JoinOk _ -> 256;
            case OpenError(_, String m) -> 64 + 3 * m.length();
            case JoinError(_, String m) -> 64 + 3 * m.length();
            case Reset(_, String m) -> 64 + 3 * m.length();
            case Data d -> 64 + d.payload().length;
            case Ack a -> 96 + 42 * a.ranges().size();
            case Ping _, Pong _, Fin _, Close _ -> 48;
        };
    }

    @Override
    public void encode(Frame frame, ByteBuffer out) {
        var head = new StringBuilder(96);
        byte[] body = switch (frame) {
            case Open o -> {
                head.append("OPEN\r\n");
                header(head, "Mid", o.mid().toString());
                header(head, "Destination", checkHost(o.destination()).toString());
                header(head, "Time", Long.toString(o.time()));
                header(head, "Nonce", HEX.formatHex(o.nonce()));
                header(head, "Proof", HEX.formatHex(o.proof()));
                header(head, "Window", Long.toString(o.window()));
                yield null;
            }
            case OpenOk ok -> {
                head.append("OPEN-OK\r\n");
                header(head, "Nonce", HEX.formatHex(ok.nonce()));
                header(head, "Proof", HEX.formatHex(ok.proof()));
                header(head, "Window", Long.toString(ok.window()));
                yield null;
            }
            case OpenError e -> error(head, "OPEN-ERROR", e.code().code(), e.message());
            case Join j -> {
                head.append("JOIN\r\n");
                header(head, "Mid", j.mid().toString());
                header(head, "Nonce", HEX.formatHex(j.nonce()));
                header(head, "Proof", HEX.formatHex(j.proof()));
                yield null;
            }
            case JoinOk ok -> {
                head.append("JOIN-OK\r\n");
                header(head, "Proof", HEX.formatHex(ok.proof()));
                yield null;
            }
            case JoinError e -> error(head, "JOIN-ERROR", e.code().code(), e.message());
            case Data d -> {
                if (d.payload().length > maxPayload) {
                    throw new IllegalArgumentException("payload: " + d.payload().length + " bytes (expected: at most "
                            + maxPayload + ")");
                }
                head.append("DATA\r\n");
                header(head, "Seq", Long.toUnsignedString(d.seq()));
                header(head, "Content-Length", Integer.toString(d.payload().length));
                yield d.payload();
            }
            case Ack a -> {
                head.append("ACK\r\n");
                header(head, "Cumulative", Long.toUnsignedString(a.cumulative()));
                if (!a.ranges().isEmpty()) {
                    head.append("Ranges: ");
                    for (int i = 0; i < a.ranges().size(); i++) {
                        SeqRange r = a.ranges().get(i);
                        head.append(i == 0 ? "" : ",").append(Long.toUnsignedString(r.first()))
                                .append('-').append(Long.toUnsignedString(r.last()));
                    }
                    head.append("\r\n");
                }
                header(head, "Window", Long.toUnsignedString(a.window()));
                yield null;
            }
            case Ping p -> token(head, "PING", p.token());
            case Pong p -> token(head, "PONG", p.token());
            case Fin f -> {
                head.append("FIN\r\n");
                header(head, "Seq", Long.toUnsignedString(f.seq()));
                yield null;
            }
            case Close _ -> {
                head.append("CLOSE\r\n");
                yield null;
            }
            case Reset r -> error(head, "RESET", r.code().code(), r.message());
        };
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        int bodyLength = body == null ? 0 : body.length;
        // Check first so a too-small buffer is left untouched rather than holding half a frame.
        if (out.remaining() < headBytes.length + bodyLength) {
            throw new BufferOverflowException();
        }
        out.put(headBytes);
        if (body != null) {
            out.put(body);
        }
    }

    @Override
    public FrameDecoder newDecoder() {
        return new TextFrameDecoder(maxPayload);
    }

    private static void header(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value).append("\r\n");
    }

    private static byte[] token(StringBuilder head, String message, long token) {
        head.append(message).append("\r\n");
        header(head, "Token", Long.toUnsignedString(token));
        return null;
    }

    private static byte[] error(StringBuilder head, String message, int code, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        head.append(message).append("\r\n");
        header(head, "Code", Integer.toString(code));
        header(head, "Content-Length", Integer.toString(body.length));
        return body;
    }

    /** A header value is one line of printable ASCII: the host must fit in one unescaped. */
    static HostPort checkHost(HostPort destination) {
        String host = destination.host();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("destination: '" + host + "' has character U+%04X at %d (expected: printable ASCII; convert names with java.net.IDN.toASCII)"
                        .formatted((int) c, i));
            }
        }
        return destination;
    }
}

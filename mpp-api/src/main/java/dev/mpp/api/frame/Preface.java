package dev.mpp.api.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The first bytes of every path: {@code MPP/<version> <framing>} and CRLF, in ASCII, sent by the
 * side that opened the path and answered by the side that accepted it. The framing is the name of
 * a {@link dev.mpp.api.spi.FrameCodecProvider}. The accepting side answers with the same line when
 * it speaks that version and framing, and otherwise with its own preferred line before it closes
 * the path, so the opening side learns what to retry with (docs/mpp-protocol.md, "Negotiation").
 *
 * <p>The preface sits outside every framing because it is what chooses the framing.
 *
 * @param version the protocol version, 1 to 255
 * @param framing the framing's provider name, e.g. {@code binary}
 */
public record Preface(int version, String framing) {
    /** The version this API describes. */
    public static final int VERSION = 1;
    /** The longest preface line, CRLF included. */
    public static final int MAX_LENGTH = 32;

    private static final Pattern FRAMING = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern LINE = Pattern.compile("MPP/([1-9][0-9]{0,2}) ([a-z0-9][a-z0-9-]*)");

    public Preface {
        if (version < 1 || version > 255) {
            throw new IllegalArgumentException("version: " + version + " (expected: 1-255)");
        }
        Objects.requireNonNull(framing, "framing");
        if (!FRAMING.matcher(framing).matches()) {
            throw new IllegalArgumentException("framing: '" + framing + "' (expected: [a-z0-9][a-z0-9-]*)");
        }
        if (("MPP/" + version + " " + framing + "\r\n").length() > MAX_LENGTH) {
            throw new IllegalArgumentException("framing: '" + framing + "' (expected: a preface of at most "
                    + MAX_LENGTH + " bytes)");
        }
    }

    /** The preface line, CRLF included. */
    public byte[] toBytes() {
        return ("MPP/" + version + " " + framing + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a preface from {@code in}. On {@link Read} the line and its line end are consumed; on
     * {@link NeedMore} nothing is, so the caller appends more bytes and calls again; on
     * {@link Invalid} the path carries something else and must be closed. Never throws on the
     * peer's bytes. A bare LF is accepted as the line end so the protocol can be typed with netcat.
     */
    public static Result read(ByteBuffer in) {
        int start = in.position();
        int scan = Math.min(in.remaining(), MAX_LENGTH);
        for (int i = 0; i < scan; i++) {
            byte b = in.get(start + i);
            if (b == '\n') {
                int end = i > 0 && in.get(start + i - 1) == '\r' ? i - 1 : i;
                byte[] line = new byte[end];
                in.get(start, line);
                in.position(start + i + 1);
                return parse(line);
            }
            if (b != '\r' && (b < 0x20 || b > 0x7E)) {
                return new Invalid("preface: byte 0x%02x at offset %d (expected: 'MPP/<version> <framing>' and CRLF)"
                        .formatted(b & 0xFF, i));
            }
        }
        if (scan == MAX_LENGTH) {
            return new Invalid("preface: no line end within " + MAX_LENGTH + " bytes (expected: 'MPP/<version> <framing>' and CRLF)");
        }
        return NeedMore.INSTANCE;
    }

    private static Result parse(byte[] line) {
        String text = new String(line, StandardCharsets.US_ASCII);
        var m = LINE.matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 255) {
            return new Invalid("preface: '" + text + "' (expected: 'MPP/<version 1-255> <framing>')");
        }
        return new Read(new Preface(Integer.parseInt(m.group(1)), m.group(2)));
    }

    @Override
    public String toString() {
        return "MPP/" + version + " " + framing;
    }

    /** What {@link #read} found. */
    public sealed interface Result {}

    /** A whole preface. */
    public record Read(Preface preface) implements Result {}

    /** No line end yet: nothing was consumed. */
    public enum NeedMore implements Result { INSTANCE }

    /** Not a preface: close the path. */
    public record Invalid(String reason) implements Result {}
}

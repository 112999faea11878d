package dev.mpp.plugin.framingtext;

import dev.mpp.api.HostPort;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.FrameDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes the text framing incrementally. The head is read line by line into a buffer that grows
 * up to {@link TextFrameCodec#MAX_LINE}; the body is copied as it arrives into a buffer that grows
 * with what has arrived, so a peer's {@code Content-Length} never makes us allocate in advance.
 */
final class TextFrameDecoder implements FrameDecoder {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_GROWTH = 4096;
    private static final String U64 = "0-18446744073709551615";

    private final int maxPayload;

    private byte[] line = new byte[128];
    private int lineLength;
    private int lineNumber;
    private String message;
    private final Map<String, String> headers = new HashMap<>();
    private byte[] body = EMPTY;
    private int bodyFill;
    /** The body length once the head is complete; -1 while reading the head. */
    private int bodyTarget = -1;
    private String failure;

    TextFrameDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    @Override
    public DecodeResult decode(ByteBuffer in) {
        if (failure != null) {
            return new DecodeResult.Malformed(failure);
        }
        try {
            while (bodyTarget < 0) {
                if (!readLine(in)) {
                    return DecodeResult.NEED_MORE;
                }
                headLine();
            }
            if (!fillBody(in)) {
                return DecodeResult.NEED_MORE;
            }
            Frame frame = build(takeBody());
            message = null;
            headers.clear();
            lineNumber = 0;
            bodyTarget = -1;
            return new DecodeResult.Decoded(frame);
        } catch (Bad | IllegalArgumentException e) {
            failure = e.getMessage();
            return new DecodeResult.Malformed(failure);
        }
    }

    /** Appends bytes up to the next LF to {@link #line}; true when a whole line is there. */
    private boolean readLine(ByteBuffer in) {
        int start = in.position();
        int limit = in.limit();
        int end = start;
        while (end < limit && in.get(end) != '\n') {
            end++;
        }
        boolean complete = end < limit;
        int n = end - start;
        // One more than MAX_LINE leaves room for the CR of a CRLF.
        if (lineLength + n > TextFrameCodec.MAX_LINE + 1) {
            throw new Bad("line " + (lineNumber + 1) + ": longer than " + TextFrameCodec.MAX_LINE + " bytes");
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.min(TextFrameCodec.MAX_LINE + 1, Math.max(lineLength + n, line.length * 2)));
        }
        in.get(line, lineLength, n);
        lineLength += n;
        if (complete) {
            in.get(); // the LF
        }
        return complete;
    }

    private void headLine() {
        lineNumber++;
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        if (length > TextFrameCodec.MAX_LINE) {
            throw new Bad("line " + lineNumber + ": longer than " + TextFrameCodec.MAX_LINE + " bytes");
        }
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if ((b < 0x20 || b > 0x7E) && b != '\t') {
                throw new Bad("line %d: byte 0x%02x at column %d (expected: printable ASCII)".formatted(lineNumber, b & 0xFF, i + 1));
            }
        }
        String text = new String(line, 0, length, StandardCharsets.US_ASCII);
        if (message == null) {
            if (text.isEmpty()) {
                // Blank lines between frames are tolerated, as HTTP tolerates them before a request.
                lineNumber = 0;
                return;
            }
            startLine(text);
        } else if (text.isEmpty()) {
            bodyTarget = contentLength();
        } else {
            header(text);
        }
    }

    private void startLine(String text) {
        switch (text) {
            case "OPEN", "OPEN-OK", "OPEN-ERROR", "JOIN", "JOIN-OK", "JOIN-ERROR", "DATA", "ACK", "PING", "PONG",
                 "FIN", "CLOSE", "RESET" -> message = text;
            default -> throw new Bad("line 1: '" + abbreviate(text)
                    + "' (expected: OPEN, OPEN-OK, OPEN-ERROR, JOIN, JOIN-OK, JOIN-ERROR, DATA, ACK, PING, PONG, FIN, CLOSE or RESET)");
        }
    }

    private void header(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new Bad("line " + lineNumber + ": '" + abbreviate(text) + "' (expected: Name: value)");
        }
        String name = text.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                throw new Bad("line " + lineNumber + ": header name '" + abbreviate(name) + "' (expected: letters, digits and '-')");
            }
        }
        if (headers.size() == TextFrameCodec.MAX_HEADERS) {
            throw new Bad(message + ": more than " + TextFrameCodec.MAX_HEADERS + " headers");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (headers.putIfAbsent(key, text.substring(colon + 1).strip()) != null) {
            throw new Bad(message + ": header " + name + " appears twice");
        }
    }

    /** Decided from the head alone, so a length too large fails now rather than after waiting for it. */
    private int contentLength() {
        int allowed = switch (message) {
            case "DATA" -> maxPayload;
            case "OPEN-ERROR", "JOIN-ERROR", "RESET" -> TextFrameCodec.MAX_MESSAGE_BYTES;
            default -> 0;
        };
        String value = headers.get("content-length");
        if (value == null) {
            return 0;
        }
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(value) > allowed) {
            throw new Bad(message + ": Content-Length: " + abbreviate(value) + " (expected: " + (allowed == 0 ? "0" : "0-" + allowed) + ")");
        }
        return Integer.parseInt(value);
    }

    private boolean fillBody(ByteBuffer in) {
        if (bodyFill == 0 && in.remaining() >= bodyTarget) {
            // The common case when the whole frame has arrived: one exact allocation, one copy.
            body = bodyTarget == 0 ? EMPTY : new byte[bodyTarget];
            in.get(body);
            bodyFill = bodyTarget;
            return true;
        }
        int n = Math.min(in.remaining(), bodyTarget - bodyFill);
        if (bodyFill + n > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyTarget, Math.max(bodyFill + n, Math.max(body.length * 2, MIN_GROWTH))));
        }
        in.get(body, bodyFill, n);
        bodyFill += n;
        return bodyFill == bodyTarget;
    }

    private byte[] takeBody() {
        byte[] b = body.length == bodyTarget ? body : Arrays.copyOf(body, bodyTarget);
        body = EMPTY;
        bodyFill = 0;
        return b;
    }

    private Frame build(byte[] payload) {
        return switch (message) {
            case "OPEN" -> new Frame.Open(mid(), destination(), u63("Time"), hex("Nonce", Frame.NONCE_BYTES),
                    hex("Proof", Frame.PROOF_BYTES), u63("Window"));
            case "OPEN-OK" -> new Frame.OpenOk(hex("Nonce", Frame.NONCE_BYTES), hex("Proof", Frame.PROOF_BYTES),
                    u63("Window"));
            case "OPEN-ERROR" -> new Frame.OpenError(code(), utf8(payload));
            case "JOIN" -> new Frame.Join(mid(), hex("Nonce", Frame.NONCE_BYTES), hex("Proof", Frame.PROOF_BYTES));
            case "JOIN-OK" -> new Frame.JoinOk(hex("Proof", Frame.PROOF_BYTES));
            case "JOIN-ERROR" -> new Frame.JoinError(code(), utf8(payload));
            case "DATA" -> new Frame.Data(u64("Seq"), payload);
            case "ACK" -> new Frame.Ack(u64("Cumulative"), ranges(), u64("Window"));
            case "PING" -> new Frame.Ping(u64("Token"));
            case "PONG" -> new Frame.Pong(u64("Token"));
            case "FIN" -> new Frame.Fin(u64("Seq"));
            case "CLOSE" -> new Frame.Close();
            case "RESET" -> new Frame.Reset(code(), utf8(payload));
            default -> throw new IllegalStateException("start line was checked: " + message);
        };
    }

    private String required(String name) {
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        if (value == null) {
            throw new Bad(message + ": missing header " + name);
        }
        return value;
    }

    private long u64(String name) {
        String value = required(name);
        if (!isDigits(value, 20)) {
            throw new Bad(message + ": " + name + ": '" + abbreviate(value) + "' (expected: " + U64 + ")");
        }
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw new Bad(message + ": " + name + ": " + value + " (expected: " + U64 + ")");
        }
    }

    private long u63(String name) {
        String value = required(name);
        if (!isDigits(value, 19) || (value.length() == 19 && value.compareTo("9223372036854775807") > 0)) {
            throw new Bad(message + ": " + name + ": '" + abbreviate(value) + "' (expected: 0-9223372036854775807)");
        }
        return Long.parseLong(value);
    }

    private ErrorCode code() {
        String value = required("Code");
        if (!isDigits(value, 5) || Integer.parseInt(value) > 0xFFFF) {
            throw new Bad(message + ": Code: '" + abbreviate(value) + "' (expected: 0-65535)");
        }
        return new ErrorCode(Integer.parseInt(value));
    }

    private Mid mid() {
        String value = required("Mid");
        if (!isHex(value, 32)) {
            throw new Bad(message + ": Mid: '" + abbreviate(value) + "' (expected: 32 hex digits)");
        }
        return Mid.parse(value);
    }

    private byte[] hex(String name, int bytes) {
        String value = required(name);
        if (!isHex(value, 2 * bytes)) {
            throw new Bad(message + ": " + name + ": '" + abbreviate(value) + "' (expected: " + 2 * bytes + " hex digits)");
        }
        return HexFormat.of().parseHex(value);
    }

    private HostPort destination() {
        String value = required("Destination");
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new Bad(message + ": Destination: " + e.getMessage());
        }
    }

    private List<Frame.SeqRange> ranges() {
        String value = headers.get("ranges");
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        String[] parts = value.split(",", Frame.Ack.MAX_RANGES + 1);
        if (parts.length > Frame.Ack.MAX_RANGES) {
            throw new Bad(message + ": Ranges: more than " + Frame.Ack.MAX_RANGES + " ranges");
        }
        var ranges = new ArrayList<Frame.SeqRange>(parts.length);
        for (String part : parts) {
            String range = part.strip();
            int dash = range.indexOf('-');
            String first = dash < 0 ? "" : range.substring(0, dash);
            String last = dash < 0 ? "" : range.substring(dash + 1);
            if (!isDigits(first, 20) || !isDigits(last, 20)) {
                throw new Bad(message + ": Ranges: '" + abbreviate(range) + "' (expected: first-last, each " + U64 + ")");
            }
            try {
                ranges.add(new Frame.SeqRange(Long.parseUnsignedLong(first), Long.parseUnsignedLong(last)));
            } catch (NumberFormatException e) {
                throw new Bad(message + ": Ranges: '" + range + "' (expected: first-last, each " + U64 + ")");
            }
        }
        return ranges;
    }

    private String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new Bad(message + ": message is not UTF-8");
        }
    }

    private static boolean isDigits(String s, int maxLength) {
        return !s.isEmpty() && s.length() <= maxLength && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean isHex(String s, int length) {
        return s.length() == length && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** A malformed-input verdict; caught in {@link #decode}, never leaves this class. */
    private static final class Bad extends RuntimeException {
        Bad(String reason) {
            super(reason, null, false, false);
        }
    }
}

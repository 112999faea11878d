package dev.mpp.plugin.framingbinary;

import static dev.mpp.plugin.framingbinary.BinaryFrameCodec.HEADER;

import dev.mpp.api.HostPort;
import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.ErrorCode;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.FrameDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Decodes the binary framing incrementally. The header (and a DATA frame's sequence number) is
 * staged in a fixed 13-byte array; the body is checked against its type's limits as soon as the
 * header is complete, then copied as it arrives into a buffer that grows with what has arrived.
 * When a whole DATA frame is already in the input, its payload costs one allocation and one copy.
 */
final class BinaryFrameDecoder implements FrameDecoder {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_GROWTH = 4096;

    private final int maxPayload;

    /** Header, then for DATA the sequence number: the fixed part of a frame. */
    private final byte[] stage = new byte[HEADER + 8];
    private int staged;
    /** How many bytes to stage for this frame: 5, or 13 for DATA; 0 until the header is read. */
    private int stageTarget;
    private byte type;
    private byte[] body = EMPTY;
    private int bodyFill;
    private int bodyTarget;
    private String failure;

    BinaryFrameDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    @Override
    public DecodeResult decode(ByteBuffer in) {
        if (failure != null) {
            return new DecodeResult.Malformed(failure);
        }
        if (stageTarget == 0) {
            if (!stage(in, HEADER)) {
                return DecodeResult.NEED_MORE;
            }
            String problem = header();
            if (problem != null) {
                failure = problem;
                return new DecodeResult.Malformed(failure);
            }
        }
        if (!stage(in, stageTarget) || !fillBody(in)) {
            return DecodeResult.NEED_MORE;
        }
        byte[] b = takeBody();
        staged = 0;
        stageTarget = 0;
        try {
            return new DecodeResult.Decoded(build(b));
        } catch (IllegalArgumentException e) {
            // A record's own validation: the frame is well delimited but says something impossible.
            failure = typeName() + ": " + e.getMessage();
            return new DecodeResult.Malformed(failure);
        }
    }

    private boolean stage(ByteBuffer in, int target) {
        int n = Math.min(in.remaining(), target - staged);
        in.get(stage, staged, n);
        staged += n;
        return staged == target;
    }

    /** Checks the type and the body length; returns the problem, or null when the frame may follow. */
    private String header() {
        type = stage[0];
        long length = ((stage[1] & 0xFFL) << 24) | ((stage[2] & 0xFF) << 16) | ((stage[3] & 0xFF) << 8) | (stage[4] & 0xFF);
        stageTarget = HEADER;
        long min;
        long max;
        switch (type) {
            case BinaryFrameCodec.OPEN -> {
                min = BinaryFrameCodec.OPEN_FIXED + 1;
                max = BinaryFrameCodec.OPEN_FIXED + BinaryFrameCodec.MAX_HOST;
            }
            case BinaryFrameCodec.OPEN_OK -> min = max = BinaryFrameCodec.OPEN_OK_BODY;
            case BinaryFrameCodec.JOIN -> min = max = BinaryFrameCodec.JOIN_BODY;
            case BinaryFrameCodec.JOIN_OK -> min = max = Frame.PROOF_BYTES;
            case BinaryFrameCodec.OPEN_ERROR, BinaryFrameCodec.JOIN_ERROR, BinaryFrameCodec.RESET -> {
                min = 2;
                max = 2 + BinaryFrameCodec.MAX_MESSAGE_BYTES;
            }
            case BinaryFrameCodec.DATA -> {
                min = 8;
                max = 8L + maxPayload;
                stageTarget = HEADER + 8;
            }
            case BinaryFrameCodec.ACK -> {
                min = 16;
                max = 16 + 16 * Frame.Ack.MAX_RANGES;
                if (length >= min && length <= max && length % 16 != 0) {
                    return "ACK: length " + length + " (expected: 16 + 16 per range)";
                }
            }
            case BinaryFrameCodec.PING, BinaryFrameCodec.PONG, BinaryFrameCodec.FIN -> min = max = 8;
            case BinaryFrameCodec.CLOSE -> min = max = 0;
            default -> {
                return "type 0x%02x (expected: 0x01-0x06 or 0x10-0x16)".formatted(type & 0xFF);
            }
        }
        if (length < min || length > max) {
            return typeName() + ": length " + length + " (expected: " + (min == max ? min : min + "-" + max) + ")";
        }
        bodyTarget = (int) length - (stageTarget - HEADER);
        return null;
    }

    private boolean fillBody(ByteBuffer in) {
        if (bodyFill == 0 && in.remaining() >= bodyTarget) {
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

    private Frame build(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        return switch (type) {
            case BinaryFrameCodec.OPEN -> {
                Mid mid = new Mid(in.getLong(), in.getLong());
                long time = in.getLong();
                byte[] nonce = bytes(in, Frame.NONCE_BYTES);
                byte[] proof = bytes(in, Frame.PROOF_BYTES);
                long window = in.getLong();
                int port = in.getShort() & 0xFFFF;
                yield new Frame.Open(mid, new HostPort(host(in), port), time, nonce, proof, window);
            }
            case BinaryFrameCodec.OPEN_OK -> new Frame.OpenOk(bytes(in, Frame.NONCE_BYTES), bytes(in, Frame.PROOF_BYTES), in.getLong());
            case BinaryFrameCodec.OPEN_ERROR -> new Frame.OpenError(new ErrorCode(in.getShort() & 0xFFFF), utf8(in));
            case BinaryFrameCodec.JOIN -> new Frame.Join(new Mid(in.getLong(), in.getLong()), bytes(in, Frame.NONCE_BYTES),
                    bytes(in, Frame.PROOF_BYTES));
            case BinaryFrameCodec.JOIN_OK -> new Frame.JoinOk(b);
            case BinaryFrameCodec.JOIN_ERROR -> new Frame.JoinError(new ErrorCode(in.getShort() & 0xFFFF), utf8(in));
            case BinaryFrameCodec.DATA -> new Frame.Data(ByteBuffer.wrap(stage, HEADER, 8).getLong(), b);
            case BinaryFrameCodec.ACK -> {
                long cumulative = in.getLong();
                long window = in.getLong();
                var ranges = new ArrayList<Frame.SeqRange>(in.remaining() / 16);
                while (in.hasRemaining()) {
                    ranges.add(new Frame.SeqRange(in.getLong(), in.getLong()));
                }
                yield new Frame.Ack(cumulative, ranges, window);
            }
            case BinaryFrameCodec.PING -> new Frame.Ping(in.getLong());
            case BinaryFrameCodec.PONG -> new Frame.Pong(in.getLong());
            case BinaryFrameCodec.FIN -> new Frame.Fin(in.getLong());
            case BinaryFrameCodec.CLOSE -> new Frame.Close();
            case BinaryFrameCodec.RESET -> new Frame.Reset(new ErrorCode(in.getShort() & 0xFFFF), utf8(in));
            default -> throw new IllegalStateException("type was checked: " + type);
        };
    }

    private String typeName() {
        return switch (type) {
            case BinaryFrameCodec.OPEN -> "OPEN";
            case BinaryFrameCodec.OPEN_OK -> "OPEN-OK";
            case BinaryFrameCodec.OPEN_ERROR -> "OPEN-ERROR";
            case BinaryFrameCodec.JOIN -> "JOIN";
            case BinaryFrameCodec.JOIN_OK -> "JOIN-OK";
            case BinaryFrameCodec.JOIN_ERROR -> "JOIN-ERROR";
            case BinaryFrameCodec.DATA -> "DATA";
            case BinaryFrameCodec.ACK -> "ACK";
            case BinaryFrameCodec.PING -> "PING";
            case BinaryFrameCodec.PONG -> "PONG";
            case BinaryFrameCodec.FIN -> "FIN";
            case BinaryFrameCodec.CLOSE -> "CLOSE";
            case BinaryFrameCodec.RESET -> "RESET";
            default -> "type 0x%02x".formatted(type & 0xFF);
        };
    }

    private static byte[] bytes(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static String host(ByteBuffer in) {
        byte[] host = bytes(in, in.remaining());
        for (int i = 0; i < host.length; i++) {
            if (host[i] < 0x21 || host[i] > 0x7E) {
                throw new IllegalArgumentException("host byte 0x%02x at %d (expected: printable ASCII)".formatted(host[i] & 0xFF, i));
            }
        }
        return new String(host, StandardCharsets.US_ASCII);
    }

    private static String utf8(ByteBuffer in) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("message is not UTF-8");
        }
    }
}

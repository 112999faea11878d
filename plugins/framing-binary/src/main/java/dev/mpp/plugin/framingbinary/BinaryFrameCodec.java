package dev.mpp.plugin.framingbinary;

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
import dev.mpp.api.frame.Mid;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameDecoder;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary framing (docs/mpp-protocol.md, "Binary framing"). Every frame is a type byte, a
 * 32-bit big-endian body length, and a body whose layout the type fixes. The explicit length lets
 * a reader find the end of a frame without understanding it, and lets the decoder reject a length
 * that cannot be valid for the type before any of the body arrives.
 */
final class BinaryFrameCodec implements FrameCodec {
    static final int HEADER = 5;

    static final byte OPEN = 0x01;
    static final byte OPEN_OK = 0x02;
    static final byte OPEN_ERROR = 0x03;
    static final byte JOIN = 0x04;
    static final byte JOIN_OK = 0x05;
    static final byte JOIN_ERROR = 0x06;
    static final byte DATA = 0x10;
    static final byte ACK = 0x11;
    static final byte PING = 0x12;
    static final byte PONG = 0x13;
    static final byte FIN = 0x14;
    static final byte CLOSE = 0x15;
    static final byte RESET = 0x16;

    /** OPEN's body before the host: mid, time, nonce, proof, window, port. */
    static final int OPEN_FIXED = 16 + 8 + Frame.NONCE_BYTES + Frame.PROOF_BYTES + 8 + 2;
    static final int OPEN_OK_BODY = Frame.NONCE_BYTES + Frame.PROOF_BYTES + 8;
    static final int JOIN_BODY = 16 + Frame.NONCE_BYTES + Frame.PROOF_BYTES;
    static final int MAX_HOST = 255;
    /** A message of at most 1024 UTF-16 chars is at most 3 bytes per char in UTF-8. */
    static final int MAX_MESSAGE_BYTES = 3 * 1024;

    private final int maxPayload;

    BinaryFrameCodec(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Exact, not just a bound, except for messages whose UTF-8 length is only known when encoding. */
    @Override
    public int maxEncodedSize(Frame frame) {
        return HEADER + switch (frame) {
            case Open o -> OPEN_FIXED + o.destination().host().length();
            case OpenOk _ -> OPEN_OK_BODY;
            case OpenError(_, String m) -> 2 + 3 * m.length();
            case Join _ -> JOIN_BODY;
            case JoinOk _ -> Frame.PROOF_BYTES;
            case JoinError(_, String m) -> 2 + 3 * m.length();
            case Data d -> 8 + d.payload().length;
            case Ack a -> 16 + 16 * a.ranges().size();
            case Ping _, Pong _, Fin _ -> 8;
            case Close _ -> 0;
            case Reset(_, String m) -> 2 + 3 * m.length();
        };
    }

    @Override
    public void encode(Frame frame, ByteBuffer out) {
        switch (frame) {
            case Open o -> {
                byte[] host = host(o.destination());
                start(out, OPEN, OPEN_FIXED + host.length);
                mid(out, o.mid());
                out.putLong(o.time()).put(o.nonce()).put(o.proof()).putLong(o.window())
                        .putShort((short) o.destination().port()).put(host);
            }
            case OpenOk ok -> start(out, OPEN_OK, OPEN_OK_BODY).put(ok.nonce()).put(ok.proof()).putLong(ok.window());
            case OpenError e -> error(out, OPEN_ERROR, e.code().code(), e.message());
            case Join j -> {
                start(out, JOIN, JOIN_BODY);
                mid(out, j.mid());
                out.put(j.nonce()).put(j.proof());
            }
            case JoinOk ok -> start(out, JOIN_OK, Frame.PROOF_BYTES).put(ok.proof());
            case JoinError e -> error(out, JOIN_ERROR, e.code().code(), e.message());
            case Data d -> {
                if (d.payload().length > maxPayload) {
                    throw new IllegalArgumentException("payload: " + d.payload().length + " bytes (expected: at most "
                            + maxPayload + ")");
                }
                start(out, DATA, 8 + d.payload().length).putLong(d.seq()).put(d.payload());
            }
            case Ack a -> {
                start(out, ACK, 16 + 16 * a.ranges().size()).putLong(a.cumulative()).putLong(a.window());
                for (SeqRange r : a.ranges()) {
                    out.putLong(r.first()).putLong(r.last());
                }
            }
            case Ping p -> start(out, PING, 8).putLong(p.token());
            case Pong p -> start(out, PONG, 8).putLong(p.token());
            case Fin f -> start(out, FIN, 8).putLong(f.seq());
            case Close _ -> start(out, CLOSE, 0);
            case Reset r -> error(out, RESET, r.code().code(), r.message());
        }
    }

    @Override
    public FrameDecoder newDecoder() {
        return new BinaryFrameDecoder(maxPayload);
    }

    /** Checks room for the whole frame first, so a too-small buffer is left untouched. */
    private static ByteBuffer start(ByteBuffer out, byte type, int bodyLength) {
        if (out.remaining() < HEADER + bodyLength) {
            throw new BufferOverflowException();
        }
        return out.put(type).putInt(bodyLength);
    }

    private static void mid(ByteBuffer out, Mid mid) {
        out.putLong(mid.high()).putLong(mid.low());
    }

    private static void error(ByteBuffer out, byte type, int code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        start(out, type, 2 + text.length).putShort((short) code).put(text);
    }

    /** Hosts travel as printable ASCII, the same rule as the text framing, so both carry the same names. */
    private static byte[] host(HostPort destination) {
        String host = destination.host();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("destination: '" + host + "' has character U+%04X at %d (expected: printable ASCII; convert names with java.net.IDN.toASCII)"
                        .formatted((int) c, i));
            }
        }
        return host.getBytes(StandardCharsets.US_ASCII);
    }
}

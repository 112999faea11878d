package dev.mpp.api.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mpp.api.HostPort;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The transcript bytes are part of the protocol: a change here breaks every deployed peer. */
class TranscriptTest {
    static final Mid MID = Mid.parse("00112233445566778899aabbccddeeff");
    static final byte[] NONCE_O = filled(0x11);
    static final byte[] NONCE_A = filled(0xaa);
    static final byte[] NONCE_J = filled(0x33);

    @Test
    void openCoversEveryFieldButTheProofInTheDocumentedOrder() {
        var open = new Frame.Open(MID, new HostPort("ab", 443), 0x0102, NONCE_O, new byte[32], 64);
        assertEquals(hex("MPP/1 OPEN") + "00" + "00112233445566778899aabbccddeeff" + "0000000000000102"
                + "11".repeat(16) + "0000000000000040" + "01bb" + "0002" + hex("ab"), HexFormat.of().formatHex(Transcript.open(open)));
    }

    @Test
    void openOkBindsTheAnswerToTheOpenItAnswers() {
        var open = new Frame.Open(MID, new HostPort("ab", 443), 1, NONCE_O, new byte[32], 64);
        var ok = new Frame.OpenOk(NONCE_A, new byte[32], 0x10);
        assertEquals(hex("MPP/1 OPEN-OK") + "00" + "00112233445566778899aabbccddeeff" + "11".repeat(16) + "aa".repeat(16)
                + "0000000000000010", HexFormat.of().formatHex(Transcript.openOk(open, ok)));
    }

    @Test
    void joinAndJoinOkDifferOnlyInTheirLabelSoNeitherReplaysAsTheOther() {
        byte[] join = Transcript.join(MID, NONCE_A, NONCE_J);
        byte[] joinOk = Transcript.joinOk(MID, NONCE_A, NONCE_J);
        assertEquals(hex("MPP/1 JOIN") + "00" + "00112233445566778899aabbccddeeff" + "aa".repeat(16) + "33".repeat(16),
                HexFormat.of().formatHex(join));
        assertNotEquals(HexFormat.of().formatHex(join), HexFormat.of().formatHex(joinOk));
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) value);
        return b;
    }
}

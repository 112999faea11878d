package dev.mpp.plugin.pskhmac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PeerAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PskHmacProviderTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final PeerAuthenticator auth = new PskHmacProvider().create(KEY, Options.empty("auth"));

    @Test
    void proofIsHmacSha256OfTheTranscript() {
        // Reference value: python3 -c "import hmac,hashlib;print(hmac.new(b'0123456789abcdef0123456789abcdef',b'MPP/1 JOIN\0x',hashlib.sha256).hexdigest())"
        byte[] proof = auth.prove("MPP/1 JOIN\0x".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HexFormat.of().parseHex(Hmac.reference("MPP/1 JOIN\0x")), proof);
    }

    @Test
    void aProofVerifiesOnlyForItsTranscriptAndKey() {
        byte[] transcript = {1, 2, 3};
        byte[] proof = auth.prove(transcript);
        assertTrue(auth.verify(transcript, proof));
        assertFalse(auth.verify(new byte[] {1, 2, 4}, proof));
        byte[] otherKey = "another key, also thirty-two bytes".getBytes(StandardCharsets.US_ASCII);
        assertFalse(new PskHmacProvider().create(otherKey, Options.empty("auth")).verify(transcript, proof));
        assertFalse(auth.verify(transcript, new byte[5]));
    }

    @Test
    void aShortKeyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PskHmacProvider().create(new byte[31], Options.empty("auth")));
    }

    /** An independent HMAC-SHA256 (RFC 2104 over the JDK's SHA-256), to check the provider against. */
    private static final class Hmac {
        static String reference(String message) {
            try {
                var sha = java.security.MessageDigest.getInstance("SHA-256");
                byte[] k = java.util.Arrays.copyOf(KEY, 64);
                byte[] ipad = new byte[64];
                byte[] opad = new byte[64];
                for (int i = 0; i < 64; i++) {
                    ipad[i] = (byte) (k[i] ^ 0x36);
                    opad[i] = (byte) (k[i] ^ 0x5c);
                }
                sha.update(ipad);
                byte[] inner = sha.digest(message.getBytes(StandardCharsets.ISO_8859_1));
                sha.update(opad);
                return HexFormat.of().formatHex(sha.digest(inner));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
    }
}

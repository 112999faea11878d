package dev.mpp.plugin.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PBKDF2-HMAC-SHA256 agrees with the standard, and with the tools users make their hashes with. */
class PasswordHashTest {
    @Test
    void matchesTheRfc7914TestVector() {
        assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                HexFormat.of().formatHex(PasswordHash.pbkdf2(bytes("passwd"), bytes("salt"), 1)));
    }

    @Test
    void nonAsciiPasswordsHashAsTheirUtf8BytesLikePythonsHashlib() {
        // python3 -c 'import hashlib; print(hashlib.pbkdf2_hmac("sha256", "pässword".encode(), b"saltsalt", 1000).hex())'
        assertEquals("ea1e084072fd1d647cd61f809f6c69810774f238de84083b78b472380622fe8b",
                HexFormat.of().formatHex(PasswordHash.pbkdf2(bytes("pässword"), bytes("saltsalt"), 1000)));
    }

    @Test
    void anEmptyPasswordHasAHashToo() {
        assertEquals("3e0661ee06a100bed97329d06f71c16ab8ca76a14b7dc1fe6ad3f29ae3efffdb",
                HexFormat.of().formatHex(PasswordHash.pbkdf2(new byte[0], bytes("saltsalt"), 1000)));
    }

    @Test
    void aLineMadeByTheReadmesOneLinerVerifies() {
        String salt = Base64.getEncoder().encodeToString(bytes("saltsalt"));
        String hash = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(
                "ea1e084072fd1d647cd61f809f6c69810774f238de84083b78b472380622fe8b"));
        PasswordHash stored = PasswordHash.parse("pbkdf2-sha256:1000:" + salt + ":" + hash);
        assertTrue(stored.matches(bytes("pässword")));
        assertTrue(!stored.matches(bytes("password")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.mpp.plugin.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stored password: PBKDF2-HMAC-SHA256 with a per-user salt for users files, or a SHA-256 digest
 * for passwords written inline in the config (already in plain text there, so a slow hash would
 * protect nothing). Either way, {@link #matches} compares in constant time.
 */
sealed interface PasswordHash {
    String PBKDF2 = "pbkdf2-sha256";
    int DEFAULT_ITERATIONS = 210_000;

    boolean matches(byte[] password);

    /** An inline password. */
    static PasswordHash ofPlain(String password) {
        return new Digest(sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** Parses {@code pbkdf2-sha256:iterations:base64(salt):base64(hash)}. */
    static PasswordHash parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 4 || !parts[0].equals(PBKDF2)) {
            throw new IllegalArgumentException("expected user:" + PBKDF2 + ":iterations:salt:hash");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations: '" + parts[1] + "' is not a number");
        }
        if (iterations < 1000 || iterations > 10_000_000) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: 1000-10000000)");
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || hash.length != 32) {
                throw new IllegalArgumentException("salt must be at least 8 bytes and hash 32 bytes");
            }
            return new Pbkdf2(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad base64 salt or hash: " + e.getMessage());
        }
    }

    /** A new users-file entry for {@code password}, with a random salt. */
    static String create(String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash = pbkdf2(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return PBKDF2 + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    record Digest(byte[] digest) implements PasswordHash {
        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(digest, sha256(password));
        }
    }

    record Pbkdf2(int iterations, byte[] salt, byte[] hash) implements PasswordHash {
        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(hash, pbkdf2(password, salt, iterations));
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * PBKDF2-HMAC-SHA256 (RFC 8018) for one 32-byte block, over the password's raw bytes. The
     * JDK's PBEKeySpec takes characters and re-encodes them, which breaks non-ASCII passwords
     * hashed by any other tool.
     */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // HMAC pads its key with zeros, so an empty password is the same key as one zero byte;
            // SecretKeySpec refuses an empty key.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}

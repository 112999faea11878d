package dev.mpp.plugin.pskhmac;

import dev.mpp.api.Options;
import dev.mpp.api.spi.PeerAuthenticator;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code psk-hmac}: a proof is HMAC-SHA256 over the transcript with the pre-shared key
 * (docs/mpp-protocol.md, section 12.2), compared in constant time.
 */
public final class PskHmacProvider implements PeerAuthenticatorProvider {
    private static final String ALGORITHM = "HmacSHA256";

    @Override
    public String name() {
        return "psk-hmac";
    }

    @Override
    public String description() {
        return "HMAC-SHA256 proofs with a pre-shared key of at least 32 bytes";
    }

    @Override
    public PeerAuthenticator create(byte[] key, Options options) {
        options.requireOnly(java.util.Set.of());
        if (key.length < 32) {
            throw new IllegalArgumentException("key: " + key.length + " bytes (expected: at least 32)");
        }
        SecretKeySpec secret = new SecretKeySpec(key.clone(), ALGORITHM);
        return new PeerAuthenticator() {
            @Override
            public byte[] prove(byte[] transcript) {
                return mac(secret).doFinal(transcript);
            }

            @Override
            public boolean verify(byte[] transcript, byte[] proof) {
                return MessageDigest.isEqual(prove(transcript), proof);
            }
        };
    }

    /** A Mac is not thread-safe and cheap to make: one per proof. */
    private static Mac mac(SecretKeySpec secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }
}

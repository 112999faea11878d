package dev.mpp.plugin.auth;

import dev.mpp.api.Printable;
import dev.mpp.api.spi.Authenticator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RFC 1929 sub-negotiation. A request is {@code VER=1 ULEN UNAME PLEN PASSWD}; the reply is
 * {@code VER=1 STATUS}, 0 for success. An unknown user is checked against a decoy hash of the
 * same kind, so that it costs the same time as a wrong password and gets the same reply.
 */
final class UsernamePasswordAuthenticator implements Authenticator {
    private static final int VERSION = 0x01;

    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;
    private final Semaphore hashing = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final SecretKeySpec cacheKey;

    UsernamePasswordAuthenticator(Map<String, PasswordHash> users) {
        this.users = Map.copyOf(users);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
        // The decoy has the cost of the users' own hashes: slow if any user has a PBKDF2 hash.
        this.decoy = users.values().stream().anyMatch(h -> h instanceof PasswordHash.Pbkdf2 p)
                ? PasswordHash.parse(PasswordHash.create("decoy", maxIterations(users)))
                : PasswordHash.ofPlain("decoy");
    }

    private static int maxIterations(Map<String, PasswordHash> users) {
        return users.values().stream()
                .mapToInt(h -> h instanceof PasswordHash.Pbkdf2 p ? p.iterations() : 0)
                .max().orElse(PasswordHash.DEFAULT_ITERATIONS);
    }

    @Override
    public int method() {
        return 0x02;
    }

    @Override
    public AuthResult authenticate(InputStream in, OutputStream out) throws IOException {
        int version = readByte(in);
        if (version != VERSION) {
            throw new IOException("RFC 1929 version " + version + " (expected: 1)");
        }
        String user = new String(readExactly(in, readByte(in)), StandardCharsets.UTF_8);
        byte[] password = readExactly(in, readByte(in));
        boolean ok = verify(user, password);
        out.write(new byte[] {VERSION, (byte) (ok ? 0x00 : 0x01)});
        out.flush();
        return ok ? new AuthResult.Accepted(user)
                : new AuthResult.Rejected("bad user name or password for '" + Printable.of(user) + "'");
    }

    /**
     * Checks a password. A slow hash runs only after a cheap look in the cache of passwords that
     * already succeeded, and only as many at once as half the cores, so a flood of bad logins
     * cannot take every carrier thread from the connections being relayed.
     */
    private boolean verify(String user, byte[] password) throws IOException {
        PasswordHash stored = users.get(user);
        if (!(stored instanceof PasswordHash.Pbkdf2)) {
            boolean match = (stored != null ? stored : decoy).matches(password);
            return stored != null && match;
        }
        byte[] token = verifiedToken(user, password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, token)) {
            return true;
        }
        try {
            hashing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checking a password");
        }
        try {
            if (stored.matches(password)) {
                verified.put(user, token);
                return true;
            }
            return false;
        } finally {
            hashing.release();
        }
    }

    /** A keyed digest of a password that succeeded: the cache never holds the password itself. */
    private byte[] verifiedToken(String user, byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("client closed during authentication");
        }
        return b;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("client closed during authentication");
        }
        return bytes;
    }
}

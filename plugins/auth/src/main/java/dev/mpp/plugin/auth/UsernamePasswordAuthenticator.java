package dev.mpp.plugin.auth;

import dev.mpp.api.spi.Authenticator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The RFC 1929 sub-negotiation. A request is {@code VER=1 ULEN UNAME PLEN PASSWD}; the reply is
 * {@code VER=1 STATUS}, 0 for success. An unknown user is checked against a decoy hash of the
 * same kind, so that it costs the same time as a wrong password and gets the same reply.
 */
final class UsernamePasswordAuthenticator implements Authenticator {
    private static final int VERSION = 0x01;

    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;

    UsernamePasswordAuthenticator(Map<String, PasswordHash> users) {
        this.users = Map.copyOf(users);
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
        PasswordHash stored = users.get(user);
        boolean ok = (stored != null ? stored : decoy).matches(password) && stored != null;
        out.write(new byte[] {VERSION, (byte) (ok ? 0x00 : 0x01)});
        out.flush();
        return ok ? new AuthResult.Accepted(user) : new AuthResult.Rejected("bad user name or password for '" + user + "'");
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

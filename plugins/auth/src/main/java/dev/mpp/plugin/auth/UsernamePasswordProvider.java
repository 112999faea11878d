package dev.mpp.plugin.auth;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.AuthenticatorProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RFC 1929 username/password authentication. Options: {@code users} (inline name → password)
 * and/or {@code usersFile} (a file of {@link PasswordHash} lines); at least one user in all.
 */
public final class UsernamePasswordProvider implements AuthenticatorProvider {
    @Override
    public String name() {
        return "username-password";
    }

    @Override
    public String description() {
        return "SOCKS5 method 0x02, RFC 1929 user name and password";
    }

    @Override
    public Authenticator create(Options options) {
        options.requireOnly(Set.of("users", "usersFile"));
        Map<String, PasswordHash> users = new HashMap<>();
        options.stringMap("users").forEach((user, password) -> users.put(user, PasswordHash.ofPlain(password)));
        options.string("usersFile").ifPresent(file -> users.putAll(readUsersFile(options, file)));
        if (users.isEmpty()) {
            throw options.error("users", "no users configured (expected \"users\": {\"name\": \"password\"} or \"usersFile\")");
        }
        for (String user : users.keySet()) {
            if (user.isEmpty() || user.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw options.error("users", "user name '" + user + "' must be 1 to 255 bytes");
            }
        }
        return new UsernamePasswordAuthenticator(users);
    }

    private static Map<String, PasswordHash> readUsersFile(Options options, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw options.error("usersFile", "cannot read '" + file + "': " + e.getMessage());
        }
        Map<String, PasswordHash> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException("expected user:pbkdf2-sha256:iterations:salt:hash");
                }
                users.put(line.substring(0, colon), PasswordHash.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return users;
    }
}

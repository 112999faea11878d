package dev.mpp.plugin.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.Authenticator.AuthResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 1929 on the wire, with inline users and with a users file of salted hashes. */
class UsernamePasswordTest {
    private final Authenticator inline = new UsernamePasswordProvider().create(
            Options.of("socks.auth", Map.of("users", Options.of("socks.auth.users", Map.of("alice", "s3cret")))));

    @Test
    void rightPasswordIsAcceptedWithStatusZero() throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        AuthResult result = inline.authenticate(request("alice", "s3cret"), reply);
        assertEquals(new AuthResult.Accepted("alice"), result);
        assertArrayEquals(new byte[] {1, 0}, reply.toByteArray());
        assertEquals(0x02, inline.method());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() throws IOException {
        ByteArrayOutputStream wrong = new ByteArrayOutputStream();
        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        assertInstanceOf(AuthResult.Rejected.class, inline.authenticate(request("alice", "guess"), wrong));
        assertInstanceOf(AuthResult.Rejected.class, inline.authenticate(request("mallory", "s3cret"), unknown));
        assertArrayEquals(new byte[] {1, 1}, wrong.toByteArray());
        assertArrayEquals(wrong.toByteArray(), unknown.toByteArray());
    }

    @Test
    void emptyPasswordIsNotAWildcard() throws IOException {
        assertInstanceOf(AuthResult.Rejected.class, inline.authenticate(request("alice", ""), new ByteArrayOutputStream()));
    }

    @Test
    void wrongSubnegotiationVersionIsAnError() {
        byte[] bytes = request("alice", "s3cret").readAllBytes();
        bytes[0] = 5;
        assertThrows(IOException.class, () -> inline.authenticate(new ByteArrayInputStream(bytes), new ByteArrayOutputStream()));
    }

    @Test
    void truncatedRequestIsEndOfStreamNotAHang() {
        byte[] bytes = request("alice", "s3cret").readAllBytes();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            assertThrows(EOFException.class, () -> inline.authenticate(new ByteArrayInputStream(part), new ByteArrayOutputStream()),
                    "cut at " + cut);
        }
    }

    @Test
    void usersFileHoldsSaltedHashes(@TempDir Path dir) throws IOException {
        String line = PasswordHash.create("hunter2", 1000);
        Path file = Files.writeString(dir.resolve("users"), "# comment\n\nbob:" + line + "\n");
        Authenticator fromFile = new UsernamePasswordProvider().create(Options.of("socks.auth", Map.of("usersFile", file.toString())));
        assertEquals(new AuthResult.Accepted("bob"), fromFile.authenticate(request("bob", "hunter2"), new ByteArrayOutputStream()));
        assertInstanceOf(AuthResult.Rejected.class, fromFile.authenticate(request("bob", "hunter3"), new ByteArrayOutputStream()));
        assertTrue(!Files.readString(file).contains("hunter2"), "the file must not hold the password");
    }

    @Test
    void aRightPasswordIsStillRightTheSecondTimeAndAWrongOneStillWrong(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("users"), "bob:" + PasswordHash.create("hunter2", 1000) + "\n");
        Authenticator fromFile = new UsernamePasswordProvider().create(Options.of("socks.auth", Map.of("usersFile", file.toString())));
        for (int i = 0; i < 3; i++) {
            assertEquals(new AuthResult.Accepted("bob"), fromFile.authenticate(request("bob", "hunter2"), new ByteArrayOutputStream()));
            assertInstanceOf(AuthResult.Rejected.class, fromFile.authenticate(request("bob", "hunter3"), new ByteArrayOutputStream()));
        }
    }

    @Test
    void aUserNameCannotForgeLogLines() throws IOException {
        AuthResult result = inline.authenticate(request("x\nINFO admin logged in", "guess"), new ByteArrayOutputStream());
        assertEquals(new AuthResult.Rejected("bad user name or password for 'x\\x0aINFO\\x20admin\\x20logged\\x20in'"), result);
    }

    @Test
    void twoHashesOfOnePasswordDifferBecauseOfTheSalt() {
        assertTrue(!PasswordHash.create("same", 1000).equals(PasswordHash.create("same", 1000)));
    }

    @Test
    void malformedUsersFileLineNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("users"), "bob:" + PasswordHash.create("x", 1000) + "\ncarol:md5:abc\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new UsernamePasswordProvider().create(Options.of("socks.auth", Map.of("usersFile", file.toString()))));
        assertEquals(file + " line 2: expected user:pbkdf2-sha256:iterations:salt:hash", e.getMessage());
    }

    @Test
    void noUsersIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new UsernamePasswordProvider().create(Options.empty("socks.auth")));
        assertTrue(e.getMessage().startsWith("socks.auth.users: no users configured"), e.getMessage());
    }

    @Test
    void unknownOptionIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> new UsernamePasswordProvider().create(
                Options.of("socks.auth", Map.of("user", "alice"))));
        assertEquals("socks.auth.user: unknown option (expected one of: users, usersFile)", e.getMessage());
    }

    @Test
    void noneAcceptsEveryoneWithMethodZero() throws IOException {
        Authenticator none = new NoAuthenticationProvider().create(Options.empty("socks.auth"));
        assertEquals(0x00, none.method());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(new AuthResult.Accepted(""), none.authenticate(new ByteArrayInputStream(new byte[0]), out));
        assertEquals(0, out.size(), "method 0x00 has no sub-negotiation");
    }

    private static ByteArrayInputStream request(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(u.length);
        out.writeBytes(u);
        out.write(p.length);
        out.writeBytes(p);
        return new ByteArrayInputStream(out.toByteArray());
    }
}

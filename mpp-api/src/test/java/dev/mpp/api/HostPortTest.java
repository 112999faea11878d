package dev.mpp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Addresses as the config writes them, and as logs show them. */
class HostPortTest {
    @Test
    void parsesNamesIpv4AndBracketedIpv6() {
        assertEquals(new HostPort("example.org", 443), HostPort.parse("example.org:443"));
        assertEquals(new HostPort("10.0.0.1", 0), HostPort.parse("10.0.0.1:0"));
        assertEquals(new HostPort("::1", 1080), HostPort.parse("[::1]:1080"));
        assertEquals("[::1]:1080", new HostPort("::1", 1080).toString());
    }

    @Test
    void rejectsWhatIsNotAnAddressSayingWhatIsExpected() {
        for (String bad : new String[] {"localhost", ":80", "host:", "::1:80", "[::1]80", "host:65536x", "host:123456"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("expected host:port or [ipv6]:port")
                    || e.getMessage().startsWith("port: "), e.getMessage());
        }
        assertEquals("port: 65536 (expected: 0-65535)",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("h:65536")).getMessage());
    }

    @Test
    void unprintableCharactersFromAClientCannotForgeLogLines() {
        HostPort forged = new HostPort("evil\r\n2026 INFO admin logged in\\", 80);
        assertEquals(false, forged.isPrintable());
        assertEquals("evil\\x0d\\x0a2026\\x20INFO\\x20admin\\x20logged\\x20in\\x5c:80", forged.toString());
        assertEquals(true, new HostPort("dest.test", 80).isPrintable());
    }
}

package dev.mpp.runtime.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.api.spi.RouteSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which destinations a route serves: CIDRs match IP literals only, names match names only (nothing
 * is resolved: the peer resolves names), a {@code :port} narrows an entry to that port, and the
 * first route in file order wins.
 */
class RouteMatchingTest {
    /** One route to peer {@code 10.9.9.9:<peerPort>} that matches {@code entry}. */
    private static String route(String entry, int peerPort) {
        return "{\"match\": [\"" + entry + "\"], \"peer\": \"10.9.9.9:" + peerPort + "\", \"paths\": [{\"name\": \"p\"}]}";
    }

    private static RouteSource matching(String entry) {
        return Routes.of(route(entry, 7700));
    }

    private static boolean routed(RouteSource source, String host, int port) {
        return source.lookup(new HostPort(host, port)).isPresent();
    }

    @Test
    void anIpv4CidrMatchesTheAddressesInsideIt() {
        RouteSource s = matching("10.20.0.0/16");
        assertTrue(routed(s, "10.20.0.1", 80));
        assertTrue(routed(s, "10.20.255.254", 443));
        assertEquals(false, routed(s, "10.21.0.1", 80));
    }

    @Test
    void anIpv6CidrMatchesTheAddressesInsideIt() {
        RouteSource s = matching("fd00:1::/32");
        assertTrue(routed(s, "fd00:1::5", 80));
        assertTrue(routed(s, "FD00:1:FFFF::1", 80));
        assertEquals(false, routed(s, "fd00:2::5", 80));
    }

    @Test
    void anIpv4MappedIpv6DestinationMatchesAnIpv4Cidr() {
        assertTrue(routed(matching("10.0.0.0/8"), "::ffff:10.1.2.3", 80));
    }

    @Test
    void aBareIpMatchesThatAddressAlone() {
        RouteSource s = matching("192.0.2.7");
        assertTrue(routed(s, "192.0.2.7", 80));
        assertEquals(false, routed(s, "192.0.2.8", 80));
        assertTrue(routed(matching("2001:db8::1"), "2001:db8:0:0:0:0:0:1", 80));
    }

    @Test
    void aSuffixMatchesEveryNameBelowTheDomainButNotTheDomainItself() {
        RouteSource s = matching("*.example.org");
        assertTrue(routed(s, "a.example.org", 80));
        assertTrue(routed(s, "b.a.example.org", 80));
        assertEquals(false, routed(s, "example.org", 80));
        assertEquals(false, routed(s, "badexample.org", 80));
        assertEquals(false, routed(s, "example.org.evil.test", 80));
    }

    @Test
    void anExactHostMatchesThatNameAlone() {
        RouteSource s = matching("host.example.com");
        assertTrue(routed(s, "host.example.com", 80));
        assertEquals(false, routed(s, "a.host.example.com", 80));
        assertEquals(false, routed(s, "other.example.com", 80));
    }

    @Test
    void namesCompareWithoutCaseAndWithoutTheTrailingDot() {
        assertTrue(routed(matching("Host.Example.COM"), "host.example.com", 80));
        assertTrue(routed(matching("host.example.com"), "HOST.example.Com.", 80));
        assertTrue(routed(matching("host.example.com."), "host.example.com", 80));
        assertTrue(routed(matching("*.Example.org"), "A.EXAMPLE.ORG.", 80));
    }

    @Test
    void aPortQualifiedEntryMatchesOnlyThatPort() {
        RouteSource host = matching("host.example.com:443");
        assertTrue(routed(host, "host.example.com", 443));
        assertEquals(false, routed(host, "host.example.com", 80));

        RouteSource cidr = matching("10.0.0.0/8:443");
        assertTrue(routed(cidr, "10.1.1.1", 443));
        assertEquals(false, routed(cidr, "10.1.1.1", 8443));

        RouteSource suffix = matching("*.example.org:443");
        assertTrue(routed(suffix, "a.example.org", 443));
        assertEquals(false, routed(suffix, "a.example.org", 444));

        RouteSource v6 = matching("[::1]:8080");
        assertTrue(routed(v6, "::1", 8080));
        assertEquals(false, routed(v6, "::1", 8081));

        RouteSource v4 = matching("192.0.2.7:22");
        assertTrue(routed(v4, "192.0.2.7", 22));
        assertEquals(false, routed(v4, "192.0.2.7", 23));
    }

    @Test
    void aBracketedIpv6CidrMayHaveAPort() {
        RouteSource s = matching("[fd00::/8]:443");
        assertTrue(routed(s, "fd12::1", 443));
        assertEquals(false, routed(s, "fd12::1", 80));
    }

    @Test
    void anIpDestinationNeverMatchesANameEvenIfTheNameWouldResolveToIt() {
        assertEquals(false, routed(matching("localhost"), "127.0.0.1", 80));
        assertEquals(false, routed(matching("*.in-addr.arpa"), "127.0.0.1", 80));
    }

    @Test
    void aNameDestinationNeverMatchesACidrEvenIfItWouldResolveIntoIt() {
        assertEquals(false, routed(matching("127.0.0.0/8"), "localhost", 80));
        assertEquals(false, routed(matching("0.0.0.0/0"), "example.org", 80));
        assertEquals(false, routed(matching("::/0"), "example.org", 80));
    }

    @Test
    void theFirstRouteInFileOrderWithAMatchingEntryWins() {
        RouteSource s = Routes.of(route("10.0.0.0/8", 1) + ", " + route("10.1.0.0/16", 2) + ", " + route("*.example.org", 3));
        assertEquals(1, s.lookup(new HostPort("10.1.2.3", 80)).orElseThrow().peer().port());
        assertEquals(3, s.lookup(new HostPort("a.example.org", 80)).orElseThrow().peer().port());
    }

    @Test
    void aRouteMatchesIfAnyOfItsEntriesDoes() {
        RouteSource s = Routes.of("""
                {"match": ["10.0.0.0/8", "*.example.org", "host.example.com:443"],
                 "peer": "10.9.9.9:7700", "paths": [{"name": "p"}]}""");
        assertTrue(routed(s, "10.1.1.1", 1));
        assertTrue(routed(s, "x.example.org", 1));
        assertTrue(routed(s, "host.example.com", 443));
        assertEquals(false, routed(s, "host.example.com", 80));
    }

    @Test
    void aDestinationNoRouteMatchesGoesDirect() {
        assertEquals(Optional.empty(), matching("10.0.0.0/8").lookup(new HostPort("192.0.2.1", 80)));
        assertEquals(Optional.empty(), Routes.fromConfig("{}").lookup(new HostPort("192.0.2.1", 80)));
        assertEquals(Optional.empty(), Routes.fromConfig("{\"routes\": []}").lookup(new HostPort("192.0.2.1", 80)));
    }

    @Test
    void everyLookupOfADestinationReturnsTheSameRoute() {
        RouteSource s = matching("10.0.0.0/8");
        Route first = s.lookup(new HostPort("10.0.0.1", 80)).orElseThrow();
        assertTrue(first == s.lookup(new HostPort("10.200.0.1", 443)).orElseThrow());
    }
}

package dev.mpp.runtime.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How a route is read: its defaults, and for every mistake one error that names the member's path,
 * its line and column in the file, and what is allowed. The configs go through the config loader,
 * so the locations are the real ones.
 */
class RouteParsingTest {
    private static final String KEY = "route-key-route-key-route-key-route-key";

    private static Route only(String route) {
        return Routes.of(route).lookup(new HostPort("10.0.0.1", 80)).orElseThrow();
    }

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> Routes.fromConfig(json, Routes.NODE_KEY)).getMessage();
    }

    // ---- defaults

    @Test
    void aMinimalRouteGetsTheDefaultPoliciesAndTheNodesKey() {
        Route r = only("{\"match\": [\"10.0.0.0/8\"], \"peer\": \"192.0.2.1:7700\", \"paths\": [{\"name\": \"direct\"}]}");
        assertEquals(new HostPort("192.0.2.1", 7700), r.peer());
        assertArrayEquals(Routes.NODE_KEY.getBytes(StandardCharsets.UTF_8), r.peerKey());
        assertEquals("latency-aware", r.scheduler());
        assertEquals("selective-repeat", r.arq());
        assertEquals("binary", r.framing());
        assertEquals(Route.Fallback.DIRECT, r.fallback());
        assertEquals(List.of(new Route.Path("direct", List.of(), 1, new HostPort("192.0.2.1", 7700))), r.paths());
    }

    @Test
    void theDesignDocumentsExampleRouteReadsAsWritten() {
        Route r = only("""
                { "match": ["10.0.0.0/8", "*.example.org", "host.example.com:443"],
                  "peer": "10.20.0.1:7700", "peerKey": "%s",
                  "paths": [
                    { "name": "direct" },
                    { "name": "r1", "via": ["socks5://user:pass@10.10.1.1:1080"] },
                    { "name": "r2", "via": ["socks5://10.10.2.1:1080", "socks5://[fd00::9]:1080"], "weight": 2,
                      "peer": "10.30.0.1:7700" }
                  ],
                  "scheduler": "latency-aware", "arq": "selective-repeat", "framing": "text",
                  "fallback": "refuse" }""".formatted(KEY));
        assertArrayEquals(KEY.getBytes(StandardCharsets.UTF_8), r.peerKey());
        assertEquals("latency-aware", r.scheduler());
        assertEquals("text", r.framing());
        assertEquals(Route.Fallback.REFUSE, r.fallback());
        HostPort peer = new HostPort("10.20.0.1", 7700);
        assertEquals(List.of(
                new Route.Path("direct", List.of(), 1, peer),
                new Route.Path("r1", List.of(new Route.RelayHop(new HostPort("10.10.1.1", 1080), "user", "pass")), 1, peer),
                new Route.Path("r2", List.of(new Route.RelayHop(new HostPort("10.10.2.1", 1080), null, null),
                        new Route.RelayHop(new HostPort("fd00::9", 1080), null, null)), 2, new HostPort("10.30.0.1", 7700))),
                r.paths());
    }

    @Test
    void theSchedulerMayBeAnObjectWithItsRouteOptionsAndEachPathMayCarryOptionsForIt() {
        Route r = only("""
                { "match": ["10.0.0.0/8"], "peer": "192.0.2.1:7700",
                  "paths": [ { "name": "cheap", "options": { "cost": 1 } }, { "name": "dear", "options": { "cost": 5 } },
                             { "name": "plain" } ],
                  "scheduler": { "name": "cheapest-first", "probe": true } }""");
        assertEquals("cheapest-first", r.scheduler());
        assertEquals(Options.of("", java.util.Map.of("probe", true)), r.schedulerOptions());
        assertEquals("routes[0].scheduler", r.schedulerOptions().path());
        assertEquals(1, r.paths().get(0).options().integer("cost", 1, 0, 100));
        assertEquals(5, r.paths().get(1).options().integer("cost", 1, 0, 100));
        assertEquals("routes[0].paths[1].options", r.paths().get(1).options().path());
        assertEquals(Options.empty("options"), r.paths().get(2).options());
    }

    @Test
    void aSchedulerNamedAloneHasNoRouteOptions() {
        Route r = only("{\"match\": [\"10.0.0.0/8\"], \"peer\": \"192.0.2.1:7700\", \"paths\": [{\"name\": \"p\"}],"
                + " \"scheduler\": \"weighted\"}");
        assertEquals("weighted", r.scheduler());
        assertEquals(Set.of(), r.schedulerOptions().keys());
    }

    @Test
    void aPathsOptionsMustBeAnObjectAndASchedulerObjectNeedsAValidName() {
        assertEquals("routes[0].paths[0].options: expected an object, line 1 column 89", error(
                "{\"routes\": [{\"match\": [\"10.0.0.0/8\"], \"peer\": \"192.0.2.1:7700\", \"paths\": [{\"name\": \"p\", \"options\": 3}]}]}"));
        assertEquals("routes[0].scheduler.name: 'Cheapest' is not a plugin name (expected lower-case letters, digits and '-', "
                + "e.g. latency-aware; mpp plugins lists them), line 1 column 105", error(
                "{\"routes\": [{\"match\": [\"10.0.0.0/8\"], \"peer\": \"192.0.2.1:7700\", \"paths\": [{\"name\": \"p\"}], "
                        + "\"scheduler\": {\"name\": \"Cheapest\"}}]}"));
    }

    @Test
    void aRoutesOwnPeerKeyOverridesTheNodes() {
        Route r = only("{\"match\": [\"10.0.0.0/8\"], \"peer\": \"192.0.2.1:7700\", \"peerKey\": \"" + KEY + "\","
                + " \"paths\": [{\"name\": \"p\"}]}");
        assertArrayEquals(KEY.getBytes(StandardCharsets.UTF_8), r.peerKey());
    }

    @Test
    void noRoutesAtAllIsAnEmptyTable() {
        assertEquals(0, ((StaticRouteSource) Routes.fromConfig("{\"socks\": {}}")).size());
    }

    // ---- errors: each names path, line and column

    @Test
    void aBadRelayUriNamesItsElement() {
        assertEquals("routes[0].paths[1].via[0]: 'socks5:/x' is not a relay (expected socks5://[user:pass@]host:port), "
                + "line 3 column 51", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700",
                   "paths": [{"name": "a"}, {"name": "b", "via": ["socks5:/x"]}]}]}"""));
    }

    @Test
    void aWeightBelowOneIsRefused() {
        assertEquals("routes[0].paths[0].weight: 0 (expected: at least 1), line 3 column 28", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700",
                   "paths": [{"name": "a", "weight": 0}]}]}"""));
    }

    @Test
    void aWeightMustBeAnInteger() {
        assertEquals("routes[0].paths[0].weight: expected an integer from 1 to 1000000, line 1 column 88", error(
                "{\"routes\": [{\"match\": [\"10.0.0.0/8\"], \"peer\": \"10.0.0.1:7700\", \"paths\": [{\"name\": \"a\", \"weight\": \"2\"}]}]}"));
    }

    @Test
    void aMissingPeerIsReportedWhereTheRouteStarts() {
        assertEquals("routes[1].peer: missing (it is required), line 3 column 3", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]},
                  {"match": ["10.0.0.0/8"], "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void aBadPeerAddressSaysWhatIsExpected() {
        assertEquals("routes[0].paths[0].peer: '10.0.0.1' is not an address (expected host:port or [ipv6]:port), "
                + "line 2 column 78", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a", "peer": "10.0.0.1"}]}]}"""));
    }

    @Test
    void twoPathsOfARouteMayNotShareAName() {
        assertEquals("routes[0].paths[2].name: 'a' is already the name of routes[0].paths[0] "
                + "(expected: names unique within the route), line 3 column 45", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700",
                   "paths": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}]}"""));
    }

    @Test
    void aPathWithoutANameIsRefused() {
        assertEquals("routes[0].paths[0].name: missing (it is required), line 2 column 64", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"weight": 2}]}]}"""));
    }

    @Test
    void anUnknownMemberOfARouteListsTheAllowedOnes() {
        assertEquals("routes[0].schedular: unknown option (expected one of: arq, fallback, framing, match, paths, peer, "
                + "peerKey, scheduler), line 2 column 80", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}], "schedular": "x"}]}"""));
    }

    @Test
    void anUnknownMemberOfAPathListsTheAllowedOnes() {
        assertEquals("routes[0].paths[0].relays: unknown option (expected one of: name, options, peer, via, weight), "
                + "line 2 column 78", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a", "relays": []}]}]}"""));
    }

    @Test
    void fallbackIsDirectOrRefuse() {
        assertEquals("routes[0].fallback: 'drop' (expected: direct or refuse), line 2 column 80", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}], "fallback": "drop"}]}"""));
    }

    @Test
    void withoutARouteKeyOrANodeKeyTheErrorSaysWhereToSetOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> Routes.fromConfig("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]}]}"""));
        assertEquals("routes[0].peerKey: missing: set routes[0].peerKey or mpp.peerKey (the key shared with the peer, "
                + "at least 32 characters), line 2 column 3", e.getMessage());
    }

    @Test
    void aShortRouteKeyIsRefused() {
        assertEquals("routes[0].peerKey: 5 characters (expected: at least 32), line 2 column 54", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "peerKey": "short", "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void aShortNodeKeyIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> new StaticRouteSourceProvider().create(
                StaticRouteSourceProvider.options(List.of(), "short", null)));
        assertEquals("peerKey: 5 characters (expected: at least 32)", e.getMessage());
    }

    @Test
    void aBadMatchEntryNamesItsElementAndWhatIsAllowed() {
        assertEquals("routes[0].match[1]: 'exa mple.org' is not a destination (expected a CIDR, an IP, *.domain or a host "
                + "name, each with an optional :port), line 2 column 28", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8", "exa mple.org"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void aBadPrefixInAMatchEntryIsReportedByTheCidrParser() {
        assertEquals("routes[0].match[0]: '10.0.0.0/33': prefix /33 (expected: 0-32), line 2 column 14", error("""
                {"routes": [
                  {"match": ["10.0.0.0/33"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void aBadPortInAMatchEntryIsRefused() {
        assertEquals("routes[0].match[0]: 'host.example.com:0': port '0' (expected: 1-65535), line 2 column 14", error("""
                {"routes": [
                  {"match": ["host.example.com:0"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void anEmptyMatchListIsRefused() {
        assertEquals("routes[0].match: empty (expected: at least one destination, a CIDR, an IP, *.domain or a host name, "
                + "each with an optional :port), line 2 column 4", error("""
                {"routes": [
                  {"match": [], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}]}]}"""));
    }

    @Test
    void anEmptyPathListIsRefused() {
        assertEquals("routes[0].paths: empty (expected: at least one path), line 2 column 54", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": []}]}"""));
    }

    @Test
    void aPolicyNameMustLookLikeAPluginName() {
        assertEquals("routes[0].scheduler: 'Round Robin' is not a plugin name (expected lower-case letters, digits and "
                + "'-', e.g. latency-aware; mpp plugins lists them), line 2 column 80", error("""
                {"routes": [
                  {"match": ["10.0.0.0/8"], "peer": "10.0.0.1:7700", "paths": [{"name": "a"}], "scheduler": "Round Robin"}]}"""));
    }

    @Test
    void aRouteThatIsNotAnObjectIsAConfigError() {
        assertEquals("routes[0]: expected an object, line 1 column 13", error("{\"routes\": [\"10.0.0.0/8\"]}"));
    }

    @Test
    void unknownOptionsOfTheSourceItselfAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> new StaticRouteSourceProvider().create(
                Options.of("", java.util.Map.of("route", List.of()))));
        assertEquals("route: unknown option (expected one of: file, peerKey, routes)", e.getMessage());
    }

    @Test
    void matchEntriesThatAreNeitherAddressesNorNamesAreRefused() {
        for (String bad : List.of("*", "*.", "a.*.org", "*example.org", "1.2.3", "10.0.0.1:99999", "[::1", "[10.0.0.1]:80",
                "host:", "-bad-.org", "::1:80x", "example.org/8")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Match.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("'" + bad + "'"), e.getMessage());
        }
        assertNull(Destination.ipLiteral("10"), "a lone number is not taken for the address 0.0.0.10");
    }
}

package dev.mpp.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every config mistake is one error naming the field's path, line and column, and what is allowed. */
class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void emptySocksSectionIsTheEmbeddedDefault() {
        SocksConfig socks = loader.parse("{\"socks\": {}}").socks();
        assertEquals(new HostPort("127.0.0.1", 1080), socks.listen());
        assertEquals("none", socks.authMethod());
        assertEquals(Duration.ofSeconds(10), socks.handshakeTimeout());
        assertEquals(false, socks.allowOpenProxy());
    }

    @Test
    void theDesignDocumentsExampleParses() {
        NodeConfig config = loader.parse("""
                {
                  "socks":  { "listen": "127.0.0.1:1080", "auth": { "method": "none" } },
                  "mpp":    { "listen": "0.0.0.0:7700", "peerKey": "change-me-to-32-bytes-or-more...." },
                  "admin":  { "listen": "127.0.0.1:9090" },
                  "routes": [
                    { "match": ["10.20.0.0/16", "*.example.org", "host.example.com:443"],
                      "peer": "10.20.0.1:7700", "peerKey": "change-me-to-32-bytes-or-more....",
                      "paths": [
                        { "name": "direct" },
                        { "name": "r1", "via": ["socks5://user:pass@10.10.1.1:1080"] },
                        { "name": "r2", "via": ["socks5://10.10.2.1:1080", "socks5://10.10.9.1:1080"], "weight": 2,
                          "peer": "10.30.0.1:7700" }
                      ],
                      "scheduler": "latency-aware", "arq": "selective-repeat", "framing": "binary",
                      "fallback": "direct" }
                  ]
                }
                """);
        // The static route source validates the routes (RouteParsingTest); the loader keeps them as written.
        Options route = config.routes().getFirst();
        assertEquals("routes[0]", route.path());
        Options r2 = (Options) ((List<?>) route.raw("paths")).get(2);
        assertEquals("routes[0].paths[2]", r2.path());
        assertEquals(List.of("socks5://10.10.2.1:1080", "socks5://10.10.9.1:1080"), r2.strings("via"));
    }

    @Test
    void routesKeepTheLocationsOfTheirMembersListElementsAndThemselves() {
        Options route = loader.parse("""
                {"routes": [
                  {"match": ["10.0.0.0/8", "*.example.org"],
                   "paths": []}]}""").routes().getFirst();
        assertEquals("routes[0].match[1]: bad, line 2 column 28", route.error("match[1]", "bad").getMessage());
        assertEquals("routes[0].paths: bad, line 3 column 4", route.error("paths", "bad").getMessage());
        assertEquals("routes[0].peer: missing, line 2 column 3", route.error("peer", "missing").getMessage(),
                "an absent member is reported where its object starts");
    }

    @Test
    void routesThatAreNotObjectsAreRefusedByTheLoader() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("{\"routes\": [1]}"));
        assertEquals("routes[0]: expected an object, line 1 column 13", e.getMessage());
    }

    @Test
    void aPeerKeyShorterThan32CharactersIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"mpp\": {\"listen\": \"0.0.0.0:7700\", \"peerKey\": \"change-me\"}}"));
        assertEquals("mpp.peerKey: 9 characters (expected: at least 32), line 1 column 36", e.getMessage());
    }

    @Test
    void unknownFieldNamesItsPathLineAndColumnAndTheAllowedFields() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("""
                {
                  "socks": {
                    "listen": "127.0.0.1:1080",
                    "lisen": "x"
                  }
                }"""));
        assertEquals(true, e.getMessage().startsWith("socks.lisen: unknown field (expected one of: allowOpenProxy, auth,"),
                e.getMessage());
        assertEquals(true, e.getMessage().endsWith("line 4 column 5"), e.getMessage());
    }

    @Test
    void badAddressSaysWhatIsExpected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\n  \"socks\": {\"listen\": \"localhost\"}\n}"));
        assertEquals("socks.listen: 'localhost' is not an address (expected host:port or [ipv6]:port), line 2 column 23",
                e.getMessage());
    }

    @Test
    void outOfRangeNumberIsReportedAtTheMemberItself() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("""
                {
                  "socks": {
                    "maxConnections": 0
                  }
                }"""));
        assertEquals("socks.maxConnections: 0 (expected: at least 1), line 3 column 5", e.getMessage());
    }

    @Test
    void aMissingRequiredMemberNamesItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("{\"admin\": {}}"));
        assertEquals(true, e.getMessage().startsWith("admin.listen: missing (it is required), line 1"), e.getMessage());
    }

    @Test
    void scalarsAreNotCoercedFromOtherTypes() {
        assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {\"allowOpenProxy\": 1}}"));
        assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {\"maxConnections\": \"10\"}}"));
        assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {\"maxConnections\": 10.5}}"));
    }

    @Test
    void durationsAreBoundedSoNoTimerOverflows() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"connectTimeout\": \"999999999m\"}}"));
        assertEquals("socks.connectTimeout: '999999999m' is too long (expected at most 365 days, e.g. 8760h), line 1 column 30",
                e.getMessage());
    }

    @Test
    void aZeroDurationIsShownAsWritten() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"idleTimeout\": \"0s\"}}"));
        assertEquals("socks.idleTimeout: 0s (expected: more than zero), line 1 column 12", e.getMessage());
    }

    @Test
    void badDurationSaysWhatIsExpected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"idleTimeout\": \"5 minutes\"}}"));
        assertEquals("socks.idleTimeout: '5 minutes' is not a duration (expected a number and a unit: 250ms, 10s, 5m, 1h), "
                + "line 1 column 27", e.getMessage());
    }

    @Test
    void badCidrInARuleSaysWhatIsExpected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"rules\": [{\"action\": \"allow\", \"from\": [\"10.0.0.0/33\"]}]}}"));
        assertEquals(true, e.getMessage().startsWith("socks.rules[0].from[0]: '10.0.0.0/33': prefix /33"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"allowOpenProxy\": \"yes\"}}"));
        assertEquals(true, e.getMessage().startsWith("socks.allowOpenProxy: "), e.getMessage());
        assertEquals(true, e.getMessage().endsWith("line 1 column 30"), e.getMessage());
    }

    @Test
    void malformedJsonGivesTheLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {\n  \"listen\": }"));
        assertEquals("socks: Unexpected character ('}' (code 125)): expected a value, line 2 column 13", e.getMessage());
    }

    @Test
    void brokenJsonOutsideAnyFieldIsMalformedJson() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {}} trailing"));
        assertEquals(true, e.getMessage().startsWith("malformed JSON: "), e.getMessage());
        assertEquals(true, e.getMessage().endsWith("line 1 column 15"), e.getMessage());
    }

    @Test
    void duplicateKeysAreAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("{\"socks\": {\"listen\": \"127.0.0.1:1\", \"listen\": \"127.0.0.1:2\"}}"));
        assertEquals(true, e.getMessage().contains("listen"), e.getMessage());
    }

    @Test
    void pluginOptionsCarryTheirLocationIntoThePluginsErrors() {
        SocksConfig socks = loader.parse("""
                {"socks": {
                   "auth": {"method": "username-password",
                            "users": {"alice": 7}}}}""").socks();
        ConfigException e = assertThrows(ConfigException.class, () -> socks.auth().object("users").string("alice"));
        assertEquals("socks.auth.users.alice: expected a string, line 3 column 23", e.getMessage());
    }

    @Test
    void missingFileIsOneLine(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("absent.json")));
        assertEquals(dir.resolve("absent.json") + ": no such file", e.getMessage());
    }

    @Test
    void emptyFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("empty.json"), "");
        assertThrows(ConfigException.class, () -> loader.load(file));
    }

    @Test
    void commentsAreAllowedAndErrorsAfterThemKeepTheirLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("""
                // node A
                {
                  /* the SOCKS5 listener,
                     loopback only */
                  "socks": {
                    "listen": "127.0.0.1:1080", // clients connect here
                    /* inline */ "maxConnections": 0
                  }
                }"""));
        assertEquals("socks.maxConnections: 0 (expected: at least 1), line 7 column 18", e.getMessage());
    }

    @Test
    void anUnclosedCommentIsMalformedJsonWithItsLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("{\"socks\": {}\n/* never closed\n"));
        assertEquals(true, e.getMessage().startsWith("malformed JSON: "), e.getMessage());
        assertEquals(true, e.getMessage().contains("line 3"), e.getMessage());
    }
}

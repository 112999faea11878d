package dev.mpp.runtime.config;

import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import java.time.Duration;
import java.util.List;

/**
 * The SOCKS5 listener and its safety limits. Every member has a default, so {@code "socks": {}}
 * is the embedded default: loopback, no authentication.
 *
 * @param listen                  where to listen; default 127.0.0.1:1080
 * @param auth                    {@code {"method": "none"}} (default) or another authenticator's name and options
 * @param allowOpenProxy          serve a non-loopback address without authentication; default false
 * @param handshakeTimeout        absolute deadline for negotiation and request; default 10s
 * @param connectTimeout          for connecting to a destination; default 10s
 * @param idleTimeout             a relayed connection idle both ways this long is closed; default 5m
 * @param maxConnections          connections at once; default 4096
 * @param maxConnectionsPerClient connections at once from one client address; default 256
 * @param bufferSize              the most relay buffer a direction of a connection grows to; default 1 MiB
 * @param shutdownGrace           how long connections may drain on shutdown; default 10s
 * @param rules                   access rules, first match wins; none means allow everything
 * @param options                 options of the socks5 inbound plugin
 */
public record SocksConfig(HostPort listen, Options auth, Boolean allowOpenProxy, Duration handshakeTimeout,
                          Duration connectTimeout, Duration idleTimeout, Integer maxConnections,
                          Integer maxConnectionsPerClient, Integer bufferSize, Duration shutdownGrace,
                          List<AccessRule> rules, Options options) {
    public SocksConfig {
        listen = listen == null ? new HostPort("127.0.0.1", 1080) : listen;
        auth = auth == null ? Options.of("socks.auth", java.util.Map.of("method", "none")) : auth;
        allowOpenProxy = allowOpenProxy != null && allowOpenProxy;
        handshakeTimeout = ValueParsers.positive("handshakeTimeout", handshakeTimeout, Duration.ofSeconds(10));
        connectTimeout = ValueParsers.positive("connectTimeout", connectTimeout, Duration.ofSeconds(10));
        idleTimeout = ValueParsers.positive("idleTimeout", idleTimeout, Duration.ofMinutes(5));
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
        maxConnections = atLeast("maxConnections", maxConnections, 4096, 1);
        maxConnectionsPerClient = atLeast("maxConnectionsPerClient", maxConnectionsPerClient, 256, 1);
        bufferSize = atLeast("bufferSize", bufferSize, 1024 * 1024, 1024);
        if (bufferSize > 16 * 1024 * 1024) {
            throw new FieldException("bufferSize", bufferSize + " (expected: 1024 to 16777216)");
        }
        rules = rules == null ? List.of() : List.copyOf(rules);
        options = options == null ? Options.empty("socks.options") : options;
    }

    public static SocksConfig defaults() {
        return new SocksConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The authenticator's provider name. */
    public String authMethod() {
        return auth.string("method", "none");
    }


    private static int atLeast(String field, Integer value, int defaultValue, int min) {
        if (value == null) {
            return defaultValue;
        }
        if (value < min) {
            throw new FieldException(field, value + " (expected: at least " + min + ")");
        }
        return value;
    }
}

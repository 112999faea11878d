package dev.mpp.api.spi;

import dev.mpp.api.Options;
import java.time.Duration;
import java.util.Objects;

/**
 * What the runtime hands an {@link InboundProvider}.
 *
 * @param options       the listener's plugin options (without the members the runtime reads itself)
 * @param authenticator the SOCKS5 authentication method the config selected
 * @param outbound      the way to destinations
 * @param relay         the byte pump for established connections
 * @param idleTimeout   how long a connection or association may pass no data before it is closed
 */
public record InboundContext(Options options, Authenticator authenticator, Outbound outbound, Relay relay,
                             Duration idleTimeout) {
    public InboundContext {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}

package dev.mpp.api.spi;

import dev.mpp.api.Options;
import java.util.Objects;

/**
 * What the runtime hands an {@link InboundProvider}.
 *
 * @param options       the listener's plugin options (without the members the runtime reads itself)
 * @param authenticator the SOCKS5 authentication method the config selected
 * @param outbound      the way to destinations
 * @param relay         the byte pump for established connections
 */
public record InboundContext(Options options, Authenticator authenticator, Outbound outbound, Relay relay) {
    public InboundContext {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(relay, "relay");
    }
}

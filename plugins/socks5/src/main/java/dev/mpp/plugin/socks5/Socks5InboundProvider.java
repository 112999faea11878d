package dev.mpp.plugin.socks5;

import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.InboundContext;
import dev.mpp.api.spi.InboundProvider;
import java.time.Duration;
import java.util.Set;

/** The {@code socks5} inbound. Options: {@code bindTimeoutSeconds} (default 120): how long BIND waits. */
public final class Socks5InboundProvider implements InboundProvider {
    @Override
    public String name() {
        return "socks5";
    }

    @Override
    public String description() {
        return "SOCKS5 server (RFC 1928): CONNECT, BIND, UDP ASSOCIATE";
    }

    @Override
    public Inbound create(InboundContext context) {
        context.options().requireOnly(Set.of("bindTimeoutSeconds"));
        Duration bindTimeout = Duration.ofSeconds(context.options().integer("bindTimeoutSeconds", 120, 1, 86_400));
        return new Socks5Inbound(context.authenticator(), context.outbound(), context.relay(), bindTimeout,
                context.idleTimeout());
    }
}

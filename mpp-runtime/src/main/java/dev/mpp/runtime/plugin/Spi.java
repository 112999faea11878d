package dev.mpp.runtime.plugin;

import dev.mpp.api.spi.ArqStrategyProvider;
import dev.mpp.api.spi.AuthenticatorProvider;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.InboundProvider;
import dev.mpp.api.spi.PathConnectorProvider;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import dev.mpp.api.spi.PluginProvider;
import dev.mpp.api.spi.RouteSourceProvider;

/** The extension points, with the word users see in listings and errors. */
public enum Spi {
    INBOUND(InboundProvider.class, "inbound"),
    AUTHENTICATOR(AuthenticatorProvider.class, "authenticator"),
    ROUTE_SOURCE(RouteSourceProvider.class, "route source"),
    PATH_CONNECTOR(PathConnectorProvider.class, "path connector"),
    FRAMING(FrameCodecProvider.class, "framing"),
    SCHEDULER(PathSchedulerProvider.class, "scheduler"),
    ARQ(ArqStrategyProvider.class, "arq strategy"),
    PEER_AUTHENTICATOR(PeerAuthenticatorProvider.class, "peer authenticator");

    private final Class<? extends PluginProvider> type;
    private final String word;

    Spi(Class<? extends PluginProvider> type, String word) {
        this.type = type;
        this.word = word;
    }

    public Class<? extends PluginProvider> type() {
        return type;
    }

    /** "scheduler", as in "unknown scheduler 'foo'". */
    public String word() {
        return word;
    }
}

package dev.mpp.runtime.session;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import dev.mpp.api.spi.ArqStrategy;
import dev.mpp.api.spi.ArqStrategyProvider;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.PathConnector;
import dev.mpp.api.spi.PathConnectorProvider;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PeerAuthenticator;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import dev.mpp.runtime.plugin.Providers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The plugins a session engine uses, made once per node: a codec per framing (each accepting DATA
 * up to the node's packet size), the connectors, and factories for what each session owns
 * (scheduler, ARQ strategy) or what each key needs (peer authenticator).
 */
public final class SessionPlugins {
    /** The connector of a path without relays, and of one with. */
    static final String DIRECT = "direct";
    static final String CHAIN = "socks5-chain";

    private final Map<String, FrameCodec> codecs = new TreeMap<>();
    private final PathConnector direct;
    private final PathConnector chain;
    private final Providers<PathSchedulerProvider> schedulers;
    private final Providers<ArqStrategyProvider> arqs;
    private final PeerAuthenticatorProvider peerAuthenticator;

    public SessionPlugins(Providers<FrameCodecProvider> framings, Providers<PathConnectorProvider> connectors,
                          Providers<PathSchedulerProvider> schedulers, Providers<ArqStrategyProvider> arqs,
                          Providers<PeerAuthenticatorProvider> peerAuthenticators, int packetSize) {
        for (var d : framings.all()) {
            codecs.put(d.name(), d.provider().create(Options.of("framing", Map.of("maxPayload", (long) packetSize))));
        }
        this.direct = connectors.get(DIRECT).create(Options.empty("connector"));
        this.chain = connectors.get(CHAIN).create(Options.empty("connector"));
        this.schedulers = schedulers;
        this.arqs = arqs;
        this.peerAuthenticator = peerAuthenticators.get("psk-hmac");
    }

    /**
     * Checks a route before it is used: fails with the list of what exists if a name is unknown, and
     * with the option's line and column if its scheduler refuses its route-level or a path's options.
     */
    public void check(Route route, Options source) {
        at(source, "framing", () -> codec(route.framing()));
        PathSchedulerProvider scheduler = at(source, "scheduler", () -> schedulers.get(route.scheduler()));
        scheduler.create(route.schedulerOptions());
        route.paths().forEach(path -> scheduler.checkPathOptions(path.options()));
        at(source, "arq", () -> arqs.get(route.arq()));
    }

    /** {@code lookup}, with an unknown name reported at {@code key} of {@code source}: its line and column. */
    private static <T> T at(Options source, String key, Supplier<T> lookup) {
        try {
            return lookup.get();
        } catch (ConfigException e) {
            throw source.error(key, e.getMessage());
        }
    }

    FrameCodec codec(String framing) {
        FrameCodec codec = codecs.get(framing);
        if (codec == null) {
            throw new ConfigException("unknown framing '" + framing + "' (available: "
                    + String.join(", ", codecs.keySet()) + ")");
        }
        return codec;
    }

    /** The framings this node speaks, by name. */
    Map<String, FrameCodec> codecs() {
        return codecs;
    }

    PathConnector connector(Route.Path path) {
        return path.via().isEmpty() ? direct : chain;
    }

    /** A scheduler for a session of the peer port, whose paths have no options. */
    public PathScheduler scheduler(String name) {
        return schedulers.get(name).create(Options.empty("scheduler"));
    }

    /** A scheduler for a session on {@code route}, with the route's options for it. */
    PathScheduler scheduler(Route route) {
        return schedulers.get(route.scheduler()).create(route.schedulerOptions());
    }

    public ArqStrategy arq(String name) {
        return arqs.get(name).create(Options.empty("arq"));
    }

    PeerAuthenticator peerAuthenticator(byte[] key) {
        return peerAuthenticator.create(key, Options.empty("peerAuthenticator"));
    }

    PeerAuthenticator peerAuthenticator(String key) {
        return peerAuthenticator(key.getBytes(StandardCharsets.UTF_8));
    }
}

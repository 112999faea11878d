package dev.mpp.runtime.session;

import dev.mpp.api.ConfigException;
import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.InboundContext;
import dev.mpp.api.spi.InboundProvider;

/**
 * The {@code mpp} inbound: the peer port ({@link SessionAcceptor}), which accepts the paths of the
 * sessions other nodes open. It is registered like every inbound so that {@code mpp plugins} lists
 * it and no plugin can take its name (a clash stops the node).
 *
 * <p>The node builds the peer port itself, from the config's {@code mpp} section, and not through
 * {@link #create(InboundContext)}: a peer port needs the node's session engine (its plugins,
 * settings, timers and session registry), which mpp-api does not and should not expose, and an
 * {@link InboundContext} carries what a SOCKS-like listener needs instead. No config selects an
 * inbound by this name, so {@link #create(InboundContext)} only answers a caller that tries.
 */
public final class PeerPortProvider implements InboundProvider {
    @Override
    public String name() {
        return "mpp";
    }

    @Override
    public String description() {
        return "the MPP peer port: accepts the paths of multipath sessions (config section \"mpp\")";
    }

    /** @throws ConfigException always: the peer port is configured by the {@code mpp} section */
    @Override
    public Inbound create(InboundContext context) {
        throw new ConfigException("inbound 'mpp' is the node's peer port; configure it in the config's \"mpp\" section "
                + "(\"mpp\": {\"listen\": ..., \"peerKey\": ...})");
    }
}

package dev.mpp.api.spi;

import java.util.List;

/**
 * Chooses the path that carries the next packet of one session. One instance per session and
 * direction; called by one sender thread at a time, so it may keep plain mutable state.
 */
public interface PathScheduler {
    /**
     * @param paths       the live paths, never empty
     * @param packetBytes the size of the packet to send
     * @return an element of {@code paths}
     */
    PathView select(List<PathView> paths, int packetBytes);
}

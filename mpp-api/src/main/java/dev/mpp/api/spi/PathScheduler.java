package dev.mpp.api.spi;

import java.util.List;

/**
 * Chooses the path that carries the next packet of one session. One instance per session and
 * direction; called by one sender thread at a time, so it may keep plain mutable state.
 *
 * <p>Writers pull: the session asks for each new packet, and a path should take it only if it has
 * room in its window ({@link PathView#hasRoom}), so that no deep queue builds behind a slow path.
 * A scheduler may also decide that waiting is better than any path that has room (a slow path may
 * finish later than the fast one, once it has room again): it returns null, and the session asks
 * again when an acknowledgement or a change of paths makes room.
 */
public interface PathScheduler {
    /**
     * @param paths       the paths that are up or suspect, in route order; never empty
     * @param packetBytes the size of the packet to send
     * @return an element of {@code paths}, or null to send nothing now
     */
    PathView select(List<PathView> paths, int packetBytes);

    /**
     * The paths that each carry a copy of the next packet; the first is where it counts as sent,
     * and the receiver keeps whichever copy arrives first. By default the one path {@link #select}
     * names. A scheduler that trades bandwidth for latency and instant failover ({@code redundant})
     * returns several.
     *
     * @return distinct elements of {@code paths}, or an empty list to send nothing now
     */
    default List<PathView> selectCopies(List<PathView> paths, int packetBytes) {
        PathView one = select(paths, packetBytes);
        return one == null ? List.of() : List.of(one);
    }
}

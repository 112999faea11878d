package dev.mpp.runtime.session;

import dev.mpp.api.frame.Mid;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's live sessions, opened and accepted, by MID: for the peer port's JOINs and for counters. */
public final class SessionRegistry {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
    /** How many ended sessions' summaries are kept, newest first. */
    private static final int ENDED_KEPT = 64;

    private final Map<Mid, Session> sessions = new ConcurrentHashMap<>();
    private final ArrayDeque<SessionSummary> ended = new ArrayDeque<>();

    /** @return false if the MID is taken */
    boolean add(Session session) {
        return sessions.putIfAbsent(session.mid(), session) == null;
    }

    /**
     * Takes an ended session out, keeps its summary, and logs what each of its paths carried. The
     * summary is kept first: whoever sees the session gone from the live ones finds it among the ended.
     */
    void remove(Session session) {
        SessionSummary summary;
        synchronized (ended) {
            if (sessions.get(session.mid()) != session) {
                return; // removed already
            }
            summary = session.summary();
            ended.addFirst(summary);
            if (ended.size() > ENDED_KEPT) {
                ended.removeLast();
            }
            sessions.remove(session.mid(), session);
        }
        log.info(summary.logLine());
    }

    /** The last sessions that ended, newest first. */
    public List<SessionSummary> ended() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }

    Session get(Mid mid) {
        return sessions.get(mid);
    }

    /** Sessions now, in no particular order. */
    public List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    public int size() {
        return sessions.size();
    }
}

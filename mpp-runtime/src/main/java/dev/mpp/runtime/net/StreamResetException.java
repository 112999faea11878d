package dev.mpp.runtime.net;

import java.io.IOException;

/**
 * The session was reset: its stream ends here without its end, and whoever relays it must reset
 * its own connection too, so the application never mistakes a truncated stream for a whole one.
 */
public final class StreamResetException extends IOException {
    public StreamResetException(String message) {
        super(message);
    }
}

package dev.mpp.api;

import java.io.IOException;
import java.util.Objects;

/** An outbound connection failed for the given {@link ConnectFailure reason}. */
public class ConnectException extends IOException {
    private final ConnectFailure reason;

    public ConnectException(ConnectFailure reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ConnectException(ConnectFailure reason, String message) {
        this(reason, message, null);
    }

    /** Never null. */
    public ConnectFailure reason() {
        return reason;
    }
}

package dev.mpp.runtime.net;

/** Closing on paths where the connection is over anyway, and a failure to close changes nothing. */
public final class Quietly {
    private Quietly() {}

    /** Closes {@code c} if it is not null, ignoring any failure. */
    public static void close(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }
}

package dev.mpp.runtime.plugin;

import java.util.Objects;

/**
 * A plugin JAR or folder (or one provider in it) that could not be loaded; the node runs without it.
 *
 * @param origin the path of the JAR or folder
 * @param reason why, in a sentence a user can act on
 */
public record Skipped(String origin, String reason) {
    public Skipped {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return origin + ": " + reason;
    }
}

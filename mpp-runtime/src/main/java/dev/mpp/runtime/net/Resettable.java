package dev.mpp.runtime.net;

/**
 * An upstream that can be reset from its far side at any moment (a multipath session). The relay
 * registers what to do then, so that a client or destination whose two directions are both
 * blocked learns of the reset at once, not at the idle timeout.
 */
public interface Resettable {
    /** Runs {@code action} once, on another thread, when the upstream is reset; at once if it already was. */
    void onReset(Runnable action);
}

package dev.mpp.runtime.testkit;

import java.util.function.BooleanSupplier;

/** Waits for what a server does in its own time (closing a connection, a listener, a port), polling every 10 ms. */
public final class Await {
    private Await() {}

    /** Whether {@code condition} holds within {@code millis}; the caller asserts, with its own message. */
    public static boolean until(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    /** {@link Thread#sleep}, failing the test if interrupted. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

package dev.mpp.runtime.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks that every test leaves nothing behind: measures a {@link ResourceBaseline} before each
 * test and asserts after it (after the test's own {@code @AfterEach} methods) that the nodes
 * serve no connection and the JVM is back at the baseline. Register it as a field:
 * {@code @RegisterExtension final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[] {node});}
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<RunningNode[]> nodes;
    private ResourceBaseline baseline;

    /** {@code nodes} is asked after each test, so static nodes started in {@code @BeforeAll} can be given. */
    public NoLeaks(Supplier<RunningNode[]> nodes) {
        this.nodes = nodes;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        baseline = ResourceBaseline.measure();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        baseline.assertRestored(nodes.get());
    }
}

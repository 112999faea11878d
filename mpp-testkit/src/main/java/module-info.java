/**
 * The MPP test kit: what a scheduler author needs to test a {@link dev.mpp.api.spi.PathScheduler}
 * without a network, threads or real time. {@link dev.mpp.testkit.FakePath} is a path with every
 * figure set by the test; {@link dev.mpp.testkit.SchedulerHarness} drives a scheduler through a
 * scripted scenario as a small discrete-event simulation and reports what each path carried.
 *
 * <p>Depends on {@code dev.mpp.api} alone, and on no test framework: assert with any.
 */
module dev.mpp.testkit {
    requires transitive dev.mpp.api;

    exports dev.mpp.testkit;
}

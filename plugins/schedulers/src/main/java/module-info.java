/** Path schedulers: which path of a session carries the next packet. */
module dev.mpp.plugin.schedulers {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.PathSchedulerProvider with dev.mpp.plugin.schedulers.RoundRobinProvider,
            dev.mpp.plugin.schedulers.WeightedProvider, dev.mpp.plugin.schedulers.LatencyAwareProvider,
            dev.mpp.plugin.schedulers.RedundantProvider;
}

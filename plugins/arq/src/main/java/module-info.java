/** The {@code selective-repeat} ARQ strategy: when to acknowledge and when to re-send. */
module dev.mpp.plugin.arq {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.ArqStrategyProvider with dev.mpp.plugin.arq.SelectiveRepeatProvider;
}

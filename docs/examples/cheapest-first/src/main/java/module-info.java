/** The {@code cheapest-first} path scheduler: an MPP plugin written against {@code dev.mpp.api} alone. */
module com.example.mpp.cheapest {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.PathSchedulerProvider with com.example.mpp.cheapest.CheapestFirstProvider;
}

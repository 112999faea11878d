package dev.mpp.runtime.route;

import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The routes of one version of the config, in file order. Immutable; a reload builds a new one. */
final class RouteTable {
    static final RouteTable EMPTY = new RouteTable(List.of());

    /** A route, the destinations it serves, and the config object it came from (for errors with a line and column). */
    record Entry(List<Match> match, Route route, Options source) {
        Entry {
            match = List.copyOf(match);
        }
    }

    private final List<Entry> entries;
    private final List<Optional<Route>> found;

    RouteTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.found = this.entries.stream().map(e -> Optional.of(e.route())).toList();
    }

    /** The first route with an entry matching {@code destination}; empty for a direct connection. */
    Optional<Route> lookup(HostPort destination) {
        Destination d = Destination.of(destination);
        for (int i = 0; i < entries.size(); i++) {
            for (Match m : entries.get(i).match()) {
                if (m.matches(d)) {
                    return found.get(i);
                }
            }
        }
        return Optional.empty();
    }

    /** The routes, in file order. */
    List<Route> routes() {
        return entries.stream().map(Entry::route).toList();
    }

    /** Runs {@code check} on each route with the config object it came from. */
    void check(BiConsumer<Route, Options> check) {
        entries.forEach(e -> check.accept(e.route(), e.source()));
    }

    int size() {
        return entries.size();
    }
}

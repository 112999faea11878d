package dev.mpp.runtime.config;

import dev.mpp.runtime.net.Cidr;
import java.util.List;

/**
 * One access rule. A rule matches when the client is in one of {@code from} and the destination
 * in one of {@code to}; an empty list matches every address.
 *
 * @param action {@code allow} or {@code deny}
 */
public record AccessRule(Action action, List<Cidr> from, List<Cidr> to) {
    public AccessRule {
        Required.check("action", action);
        from = from == null ? List.of() : List.copyOf(from);
        to = to == null ? List.of() : List.copyOf(to);
    }

    public enum Action {
        allow, deny
    }
}

package dev.mpp.runtime.net;

import dev.mpp.runtime.config.AccessRule;
import java.net.InetAddress;
import java.util.List;

/**
 * Ordered allow/deny rules over client and destination addresses; the first rule that matches
 * decides. With no rules everything is allowed; with rules, what none matches is denied.
 */
public final class AccessRules {
    private final List<AccessRule> rules;

    public AccessRules(List<AccessRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Whether traffic from {@code client} to {@code destination} is allowed. */
    public boolean allows(InetAddress client, InetAddress destination) {
        for (AccessRule rule : rules) {
            if (matches(rule.from(), client) && matches(rule.to(), destination)) {
                return rule.action() == AccessRule.Action.allow;
            }
        }
        return rules.isEmpty();
    }

    /**
     * Whether {@code client} may connect at all: some destination could still be allowed. Used at
     * accept time, so a client that every rule refuses is disconnected before it is read.
     */
    public boolean admits(InetAddress client) {
        for (AccessRule rule : rules) {
            if (!matches(rule.from(), client)) {
                continue;
            }
            if (rule.action() == AccessRule.Action.allow) {
                return true;
            }
            if (rule.to().isEmpty()) {
                return false;
            }
        }
        return rules.isEmpty();
    }

    private static boolean matches(List<Cidr> networks, InetAddress address) {
        if (networks.isEmpty()) {
            return true;
        }
        for (Cidr cidr : networks) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }
}

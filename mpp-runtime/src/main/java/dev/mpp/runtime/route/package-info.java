/**
 * The {@code static} route source: which destinations get a multipath route, read from the config
 * file's {@code routes} and reloaded when the file changes. A route's {@code match} entries are
 * CIDRs, IPs, {@code *.domain} suffixes and host names, each with an optional {@code :port}; the
 * first route in file order with a matching entry wins. Names are never resolved here: the peer
 * resolves them, so a CIDR only matches a destination given as an IP literal.
 */
package dev.mpp.runtime.route;

/**
 * {@code mpp demo}: a complete multipath set-up in one process, on loopback only, to see one
 * download split over three paths in the first five minutes. {@link dev.mpp.runtime.demo.Demo}
 * starts real nodes from generated configs (node A with SOCKS5 and a route, node B with the peer
 * port, a relay node with a plain SOCKS5 listener), three shaped links in front of the relay (a
 * token bucket for the rate and a bounded delay line for the delay, both ways), and an HTTP
 * destination serving a deterministic file. {@link dev.mpp.runtime.demo.DemoView} prints how to try
 * it and each path's throughput from node A's session counters, live.
 */
package dev.mpp.runtime.demo;

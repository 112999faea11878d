/**
 * Sockets: the listener (accept loop, connection limits, handshake deadlines), the direct
 * outbound (access rules, resolution, connect with real failure reasons) and the splice that
 * relays an established connection both ways.
 */
package dev.mpp.runtime.net;

package dev.mpp.runtime.session;

/**
 * One path's counters at a moment: payload bytes and packets each way (DATA only), copies re-sent
 * on this path for packets another path lost or held too long, its state, and what queue control
 * made of it (delivery rate in bytes per second, -1 before an estimate; window in bytes).
 */
public record PathStats(int index, String name, String state, long bytesSent, long bytesReceived, long packetsSent,
                        long packetsReceived, long packetsResent, long smoothedRttNanos, long deliveryRate,
                        long windowBytes) {}

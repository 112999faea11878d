/**
 * The messages of the MPP wire protocol ({@code docs/mpp-protocol.md}) as records of the sealed
 * {@link dev.mpp.api.frame.Frame}, independent of their framing on the wire. Every record checks
 * its fields when constructed.
 */
package dev.mpp.api.frame;

/**
 * Values shared by the runtime and plugins: addresses, plugin options, failures.
 * All of them are immutable and validate themselves when constructed.
 */
package dev.mpp.api;

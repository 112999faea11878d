/**
 * The node's configuration: records bound by Jackson from the JSON file, and the loader that
 * turns every Jackson error into a {@link dev.mpp.api.ConfigException} naming the field's path,
 * line and column. Sections that a plugin owns arrive as {@link dev.mpp.api.Options}.
 */
package dev.mpp.runtime.config;

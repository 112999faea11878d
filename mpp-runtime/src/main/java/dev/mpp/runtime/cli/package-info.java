/** The {@code mpp} command: {@code run}, {@code check-config}, {@code plugins}, {@code --version}, {@code --help}. */
package dev.mpp.runtime.cli;

/** The mm command. */
package io.mmsim.cli;

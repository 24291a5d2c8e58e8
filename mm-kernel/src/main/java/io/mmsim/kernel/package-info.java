/** The kernel facade. */
package io.mmsim.kernel;

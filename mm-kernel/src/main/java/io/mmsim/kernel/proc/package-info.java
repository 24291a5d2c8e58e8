/** The /proc views, rendered byte for byte in the kernel's formats. */
package io.mmsim.kernel.proc;

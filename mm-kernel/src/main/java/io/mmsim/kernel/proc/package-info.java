/**
 * The /proc views ({@code buddyinfo}, {@code meminfo}, {@code vmstat}, {@code slabinfo}, {@code
 * swaps}, {@code PID/maps}, ...), rendered byte for byte in the kernel's formats: the field widths,
 * padding and units of the {@code seq_file} show functions in fs/proc and mm (mm/vmstat.c,
 * fs/proc/meminfo.c, mm/slab_common.c, mm/swapfile.c, fs/proc/task_mmu.c).
 *
 * <p>A view is computed from the parts' own counters each time it is read; nothing here keeps a
 * second copy of kernel state.
 */
package io.mmsim.kernel.proc;

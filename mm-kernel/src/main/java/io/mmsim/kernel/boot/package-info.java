/**
 * Boot: the bitmap boot allocator ({@link io.mmsim.kernel.boot.Bootmem}) that reserves what the
 * kernel keeps and hands the rest to the page allocator in maximal aligned blocks.
 */
package io.mmsim.kernel.boot;

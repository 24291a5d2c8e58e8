/**
 * Event counters the facade keeps itself (page faults and their kinds, OOM kills, ...), named as in
 * {@code include/linux/vm_event_item.h} so that /proc/vmstat can print them beside the parts' own
 * counters. Counters are plain {@code long}s bumped on the paths they count.
 */
package io.mmsim.kernel.stat;

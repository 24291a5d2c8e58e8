/**
 * Research replacement policies as plug-ins: ARC, 2Q, LIRS, CLOCK-Pro, S3-FIFO, SIEVE, LFU, MRU and
 * random.
 *
 * <h2>Design</h2>
 *
 * Each policy is one package-private class that implements {@link
 * io.mmsim.api.reclaim.ReplacementPolicy}, created by its public provider; the providers are the
 * module's only public types. Pages are {@code long} keys. The list policies keep one node per page
 * they know (resident or remembered as a ghost) in {@code PageLists}: parallel primitive arrays
 * threaded on doubly linked lists, with {@code PageIndex}, an open-addressing page-to-node table.
 * LFU, LIRS and CLOCK-Pro have their own layouts (frequency buckets; a stack and two queues per
 * page; a circle with three hands) over the same index. Nothing is allocated per reference.
 *
 * <h2>Driving</h2>
 *
 * Every policy but random wants every reference ({@code access} on each hit): a hit updates its
 * lists or counters, never the accessed bits. The ghost-list policies read {@code miss(page)} (ARC
 * must know whether the incoming page is a ghost before it picks a victim) and are sized by {@code
 * setCapacity}; without it they learn the capacity as the pages resident at the first victim call.
 *
 * <h2>Parity</h2>
 *
 * Each policy's header cites its paper and says how it follows libCacheSim's implementation in
 * {@code libCacheSim/cache/eviction/} (github.com/1a1a11a/libCacheSim), which the parity tests
 * compare with: the same default parameters, and the code's choices where it departs from the
 * paper, except where the code would hold more pages than the frames it has (named in the header).
 */
package io.mmsim.policies;

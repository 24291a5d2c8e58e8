/* Exact miss counts of libCacheSim's eviction algorithms on a page-reference string, for the
 * parity table of mm-policies (see make-table.sh). Each algorithm is built with its default
 * parameters (NULL parameter string) and sees one get() per reference with object size 1.
 *
 * usage: misses TRACE ALGO SIZE [SIZE...]
 *   TRACE  one decimal page number a line
 *   ALGO   fifo lru clock arc twoq lirs lirs-fixed s3fifo sieve lfu mru
 *   SIZE   cache sizes in objects (pages)
 * prints "ALGO SIZE MISSES" per size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "libCacheSim/cache.h"
#include "libCacheSim/evictionAlgo.h"
#include "libCacheSim/request.h"

cache_t *LIRSfix_init(const common_cache_params_t, const char *);

static cache_t *make(const char *a, int64_t size) {
  common_cache_params_t p = {.cache_size = size, .default_ttl = 86400 * 300, .hashpower = 20,
                             .consider_obj_metadata = false};
  if (!strcasecmp(a, "fifo")) return FIFO_init(p, NULL);
  if (!strcasecmp(a, "lru")) return LRU_init(p, NULL);
  if (!strcasecmp(a, "clock")) return Clock_init(p, NULL);
  if (!strcasecmp(a, "arc")) return ARC_init(p, NULL);
  if (!strcasecmp(a, "twoq")) return TwoQ_init(p, NULL);
  if (!strcasecmp(a, "lirs")) return LIRS_init(p, NULL);
  if (!strcasecmp(a, "s3fifo")) return S3FIFO_init(p, NULL);
  if (!strcasecmp(a, "sieve")) return Sieve_init(p, NULL);
  if (!strcasecmp(a, "lfu")) return LFU_init(p, NULL);
  if (!strcasecmp(a, "mru")) return MRU_init(p, NULL);
  if (!strcasecmp(a, "lirs-fixed")) return LIRSfix_init(p, NULL);
  fprintf(stderr, "unknown algorithm %s\n", a);
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: misses TRACE ALGO SIZE...\n"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 2; }
  size_t cap = 1 << 20, n = 0;
  uint64_t *refs = malloc(cap * sizeof *refs);
  unsigned long long v;
  while (fscanf(f, "%llu", &v) == 1) {
    if (n == cap) refs = realloc(refs, (cap *= 2) * sizeof *refs);
    refs[n++] = v;
  }
  fclose(f);
  for (int i = 3; i < argc; i++) {
    int64_t size = atoll(argv[i]);
    cache_t *c = make(argv[2], size);
    request_t *req = new_request();
    req->obj_size = 1;
    long misses = 0;
    for (size_t k = 0; k < n; k++) {
      req->obj_id = refs[k];
      req->clock_time = (int64_t)k;
      req->valid = true;
      if (!c->get(c, req)) misses++;
    }
    printf("%s %lld %ld\n", argv[2], (long long)size, misses);
    free_request(req);
    c->cache_free(c);
  }
  return 0;
}

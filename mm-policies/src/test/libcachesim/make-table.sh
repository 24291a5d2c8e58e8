#!/bin/sh
# Rebuilds mm-policies/src/test/resources/io/mmsim/policies/libcachesim-misses.csv.
#
#   LCS=/path/to/libCacheSim   a checkout of github.com/1a1a11a/libCacheSim at
#                              aa0fc40914b2b786f4b9f4dafb099f8f332b216a, built with
#                              (cd $LCS && mkdir _build && cd _build &&
#                               cmake -G Ninja -DCMAKE_BUILD_TYPE=Release .. && ninja cachesim)
#                              (Debian: apt-get install cmake ninja-build libglib2.0-dev libzstd-dev)
#   sh make-table.sh > ../resources/io/mmsim/policies/libcachesim-misses.csv
#
# lirs is LIRS.c unmodified (lirs.variant=libcachesim); lirs-fixed is LIRS.c with one statement
# removed, the loop that demotes LIR blocks (calls evictLIR) at the start of hit_RD_HIRinQ
# (lirs.variant=paper); LirsPolicy's header says why.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
work=$(mktemp -d)
inc="$LCS/libCacheSim/include"
b="$LCS/_build/libCacheSim"
sed -e 's#"\.\./\.\./#"'"$LCS"'/libCacheSim/#' \
    -e 's/LIRS_init/LIRSfix_init/g' -e 's/LIRS_can_insert/LIRSfix_can_insert/g' \
    "$LCS/libCacheSim/cache/eviction/LIRS.c" |
  awk '/^static cache_obj_t \*hit_RD_HIRinQ/ {inside = 1}
       inside && /while \(params->lirs_count/ {skip = 1}
       skip {if ($0 ~ /^  }/) {skip = 0}; next}
       /^}/ {inside = 0}
       {print}' >"$work/LIRS_fixed.c"
gcc -O2 -DNDEBUG -DUSE_HUGEPAGE=1 -DSUPPORT_ZSTD_TRACE=1 -DOS_LINUX -DLOGLEVEL=7 -DINCLUDE_PRIV=1 \
  -I"$inc" $(pkg-config --cflags glib-2.0) "$here/misses.c" "$work/LIRS_fixed.c" -o "$work/misses" \
  -Wl,--start-group "$b/cache/libcachelib.a" "$b/cache/eviction/libevictionC.a" \
  "$b/cache/eviction/libevictionCPP.a" "$b/traceReader/libtraceReader.a" "$b/profiler/libprofiler.a" \
  "$b/dataStructure/libdataStructure.a" "$b/dataStructure/hash/libds_hash.a" "$b/utils/libutils.a" \
  "$b/cache/admission/libadmissionC.a" "$b/cache/admission/libadmissionCpp.a" \
  "$b/cache/prefetch/libprefetchC.a" -Wl,--end-group \
  $(pkg-config --libs glib-2.0) -lzstd -lstdc++ -lm -lpthread 2>/dev/null
mkdir -p "$work/classes"
javac -d "$work/classes" "$root/mm-policies/src/test/java/io/mmsim/policies/PageStrings.java"
java -cp "$work/classes" io.mmsim.policies.PageStrings "$work/strings"
echo "string,frames,policy,misses"
for name in zipf-0.8 zipf-1.0 zipf-1.2 loop-300 scans phases; do
  for algo in arc twoq lirs lirs-fixed s3fifo sieve lfu mru; do
    "$work/misses" "$work/strings/$name.txt" $algo 20 24 50 64 100 128 250 400 1000 |
      while read -r a n m; do echo "$name,$n,$a,$m"; done
  done
done
rm -rf "$work"

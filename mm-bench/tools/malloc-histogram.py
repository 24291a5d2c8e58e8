#!/usr/bin/env python3
"""Histogram of the request sizes in a valgrind --trace-malloc=yes log.

Prints "size count" lines, sizes ascending, for every malloc(n) and calloc(n, m) (n * m bytes)
of 1 to 8192 bytes: the request-size mix that ObjectBench and NettyPooledBench replay (a realloc
is not a new request and is left out). Usage: malloc-histogram.py LOG > sizes.txt
"""
import collections
import re
import sys

CALL = re.compile(r'(re)?(malloc|calloc)\(([0-9]+)(?:,\s*([0-9]+))?\)')

counts = collections.Counter()
with open(sys.argv[1], errors='replace') as log:
    for line in log:
        if not line.startswith('--'):
            continue
        for m in CALL.finditer(line):
            if m.group(1):
                continue
            size = int(m.group(3)) * (int(m.group(4)) if m.group(2) == 'calloc' else 1)
            if 1 <= size <= 8192:
                counts[size] += 1
for size in sorted(counts):
    print(size, counts[size])

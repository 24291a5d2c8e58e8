"""A real program for malloc traces: builds, dumps and parses a JSON document of 2000 records.

Run under valgrind with CPython's own allocator off, so that every object is a malloc:
  PYTHONHASHSEED=0 PYTHONMALLOC=malloc valgrind --trace-malloc=yes --log-file=python-json.malloc \\
      /usr/bin/python3.11 mm-bench/tools/json_workload.py
The seed is fixed; the document text stays below kmalloc's 4 MiB limit.
"""
import json
import random

random.seed(1)


def item(i):
    return {"id": i, "name": "n" * random.randint(1, 80),
            "tags": ["t" * random.randint(1, 24) for _ in range(random.randint(0, 8))],
            "nested": {"values": [random.random() for _ in range(random.randint(0, 40))],
                       "text": str(i) * random.randint(1, 100)}}


doc = [item(i) for i in range(2000)]
text = json.dumps(doc, indent=1)
assert json.loads(text) == doc

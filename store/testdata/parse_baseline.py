#!/usr/bin/env python3
"""Baseline for the import benchmark: merely parse a JSONL file line by line
with json.loads, as a Python data loader would, and print the seconds taken."""
import json
import sys
import time

start = time.perf_counter()
n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            json.loads(line)
            n += 1
print(f"{time.perf_counter() - start:.6f} {n}")

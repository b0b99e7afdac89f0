#!/usr/bin/env python3
"""The I/O a run cannot avoid, with the fastest polars on the machine (the Python package):
read the inventory, write a frame of the results' shape. The results frame is the run's own
output, read back before the clock starts, so only the read and the write are timed; written
as VoltMetrics writes it (LZ4, null counts without min/max statistics). Prints the seconds.
With --sync the written file is also synced to disk inside the timer, as a run syncs its
results file (the issue's floor is the one without).

    python3 scripts/floor.py [--sync] INVENTORY.parquet RESULTS.parquet OUT.parquet
"""
import os
import sys
import time

import polars as pl

args = sys.argv[1:]
sync = "--sync" in args
inventory_path, results_path, out_path = [a for a in args if a != "--sync"][:3]
results = pl.read_parquet(results_path)
start = time.perf_counter()
inventory = pl.read_parquet(inventory_path)
results.write_parquet(
    out_path,
    compression="lz4",
    statistics={"min": False, "max": False, "distinct_count": False, "null_count": True},
)
if sync:
    fd = os.open(out_path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
elapsed = time.perf_counter() - start
assert inventory.height == results.height, (inventory.height, results.height)
print(f"{elapsed:.3f}")

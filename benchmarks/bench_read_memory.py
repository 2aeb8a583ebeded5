"""Peak RSS of streaming a large file with schemagen.read (bounded memory check).

Writes N rows of example.FlatSale with pyarrow, then reads them back in a fresh
process with schemagen.read (records discarded as they come) and prints the
peak RSS against the file size and against pyarrow's read_table of the file.
Then the same rows as a dataset folder (DatasetWriter, Hive partitions by state,
32 MiB blocks), read with a filter that keeps most rows (row groups one at a
time): the peak must stay flat too.

    python benchmarks/bench_read_memory.py [rows]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

READ = r"""
import resource, sys
sys.path.insert(0, sys.argv[1])
import pyarrow.parquet as pq
import schemagen
from generated.example.sales import FlatSale


def peak_kib():
    # VmHWM belongs to this process's address space; ru_maxrss survives exec, so it
    # would report the parent's size (the benchmark that wrote the data) as our peak
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


base = peak_kib()
if sys.argv[3] == "schemagen":
    n = 0
    for _ in schemagen.read(FlatSale, sys.argv[2], batch_size=65536):
        n += 1
elif sys.argv[3] == "schemagen-dataset-filter":
    n = 0
    for _ in schemagen.read(FlatSale, sys.argv[2], filter=[("trans_id", ">=", 1000)]):
        n += 1
else:
    n = pq.read_table(sys.argv[2]).to_pylist().__len__()
print(n, base, peak_kib())
"""


def main() -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from generated.example.sales import FlatSale

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.parquet"
        schema = FlatSale.arrow_schema()
        with pq.ParquetWriter(path, schema) as w:
            for start in range(0, rows, 500_000):
                n = min(500_000, rows - start)
                ids = pa.array(range(start, start + n), pa.int64())
                cols = {
                    "trans_id": ids, "day": pa.array([datetime.date(2024, 1, 1)] * n),
                    "amount": pa.array([1.5] * n), "cust_id": ids,
                    "device": pa.array(["IOS5"] * n),
                    "state": pa.array(["CA", "NY", "TX"] * (n // 3) + ["CA"] * (n % 3)),
                    "keywords": pa.array([["a", "b"]] * n, pa.list_(pa.string())),
                    "purch_flag": pa.array([True] * n),
                }
                arrays = [cols[f.name].cast(f.type) for f in schema]
                w.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema),
                              row_group_size=262_144)
        size = path.stat().st_size
        print(f"{rows:,} rows, file {size / 2**20:.1f} MiB")
        import schemagen

        folder = Path(tmp) / "ds"
        with schemagen.DatasetWriter(FlatSale, folder, partition_by=["state"],
                                     block_size=32 * 2**20) as dw:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=262_144):
                dw.write_arrow(batch)
        print(f"dataset: {len(dw.files)} files in {folder.name}/")
        for how, target in (("schemagen", path), ("pyarrow-to_pylist", path),
                            ("schemagen-dataset-filter", folder)):
            out = subprocess.run([sys.executable, "-c", READ, str(REPO), str(target), how],
                                 capture_output=True, text=True, check=True).stdout.split()
            n, base, peak = (int(x) for x in out)
            print(f"{how:>24}: {n:,} rows, peak RSS {peak / 1024:.0f} MiB "
                  f"(after imports {base / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()

"""End to end on the bundled schemas: write sample transactions, read them back.

Run after `schemagen compile schemas/` (the README's first command does both).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `generated` imports from the checkout

import schemagen  # noqa: E402
from generated.example.sales import (  # noqa: E402
    MarketingInfo,
    Transaction,
    TransInfo,
    UserInfo,
)

N = 100_000
OUT = ROOT / "out" / "transactions"


def sample(n: int) -> list[Transaction]:
    rng = random.Random(42)
    devices = ["IOS5", "AOS4.2", "IOS6", "WEARABLE2", "WEB"]
    states = ["ca", "ny", "tx", "mt", "wa", "fl"]
    words = ["hi", "go", "to", "thing", "sad", "grown", "inside", "ask"]
    start = dt.date(2013, 1, 1)
    return [
        Transaction(
            trans_id=i,
            date=start + dt.timedelta(days=rng.randrange(365)),
            time=dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60)),
            amount=round(rng.uniform(1, 500), 2),
            user_info=UserInfo(
                cust_id=rng.randrange(1, 10_000),
                device=rng.choice(devices),
                state=rng.choice(states),
            ),
            marketing_info=MarketingInfo(
                camp_id=rng.randrange(1, 20),
                keywords=rng.sample(words, rng.randrange(0, 4)),
            ),
            trans_info=TransInfo(
                prod_id=[rng.randrange(1, 500) for _ in range(rng.randrange(0, 4))],
                purch_flag=rng.random() < 0.3,
            ),
        )
        for i in range(n)
    ]


def main() -> None:
    out = OUT
    shutil.rmtree(out, ignore_errors=True)
    records = sample(N)

    t0 = time.perf_counter()
    path = schemagen.write(records, out, compression="snappy")
    t1 = time.perf_counter()
    size = path.stat().st_size
    print(f"wrote {len(records):,} Transaction records to {path} "
          f"({size / 1e6:.1f} MB, snappy) in {t1 - t0:.2f}s")

    t0 = time.perf_counter()
    back = list(schemagen.read(Transaction, out))
    t1 = time.perf_counter()
    assert back == records, "round trip changed the records"
    print(f"read {len(back):,} typed records back in {t1 - t0:.2f}s: identical to what was written")

    cols = ["trans_id", "user_info.cust_id"]
    t0 = time.perf_counter()
    proj = list(schemagen.read(Transaction, out, columns=cols,
                               filter=[("amount", ">", 400.0)]))
    t1 = time.perf_counter()
    print(f"projection {cols} with filter amount > 400: {len(proj):,} records "
          f"in {t1 - t0:.2f}s; first: trans_id={proj[0].trans_id} "
          f"cust_id={proj[0].user_info.cust_id} (the other fields were not read: "
          "reading one raises schemagen.NotReadError)")

    table = schemagen.read_arrow(Transaction, out, columns=cols)
    print("read_arrow projection schema:")
    print(textwrap.indent(table.schema.to_string(show_schema_metadata=False), "  "))
    print("Parquet schema of the file:")
    import pyarrow.parquet as pq

    # str() of a ParquetSchema starts with its repr line (<pyarrow._parquet... object at 0x...>)
    text = str(pq.ParquetFile(path).schema)
    print(textwrap.indent(text.split("\n", 1)[1] if text.startswith("<") else text, "  "))


if __name__ == "__main__":
    main()

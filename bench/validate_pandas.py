"""The validate-data workload in pandas: read the CSV, then run the same checks as bench/validate-contract.yml.

Used by `npm run bench` as the reference beside `mlgate validate-data`. Prints one JSON line with the time taken.
Run with Debian's python3 (/usr/bin/python3) and python3-pandas.
"""
import json
import sys
import time

import pandas as pd

start = time.perf_counter()
df = pd.read_csv(sys.argv[1])
violations = {}

def check(name, failing):
    count = int(failing.sum())
    if count:
        violations[name] = count

check("rows", pd.Series([len(df) < 1000]))
check("order", pd.Series([list(df.columns) != ["id", *[f"f{i}" for i in range(16)], "c0", "c1", "c2", "c3", "label"]]))
ident = df["id"]
check("id.type", pd.Series([not pd.api.types.is_integer_dtype(ident)]))
check("id.not_null", ident.isna())
check("id.unique", ident.duplicated())
check("id.range", (ident < 1) | (ident > 100_000_000))
f0 = df["f0"]
check("f0.range", (f0 < -1000) | (f0 > 1000))
check("f0.mean", pd.Series([not (-50 <= f0.mean() <= 50)]))
check("f0.std", pd.Series([not (1 <= f0.std() <= 1000)]))
f1 = df["f1"]
check("f1.range", (f1 < -10000) | (f1 > 10000))
check("f1.median", pd.Series([not (-100 <= f1.quantile(0.5) <= 100)]))
check("f2.nulls", pd.Series([df["f2"].isna().mean() > 0.01]))
f3 = df["f3"]
if ((f3 < -10000).mean()) > 0.01:
    violations["f3.min"] = int((f3 < -10000).sum())
for i in range(4, 16):
    column = df[f"f{i}"]
    check(f"f{i}.type", ~pd.to_numeric(column, errors="coerce").notna() & column.notna())
check("f15.max", df["f15"] > 10000)
check("c0.allowed", ~df["c0"].isin([f"cat0_{i}" for i in range(5)]))
check("c1.pattern", ~df["c1"].astype(str).str.fullmatch(r"cat1_[0-9]+"))
check("label.allowed", ~df["label"].isin([0, 1, 2]))
for column in ["c2", "c3"]:
    df[column].value_counts()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": len(df), "violations": violations}))

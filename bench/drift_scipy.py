"""The drift workload's reference: pandas reads both CSVs and scipy runs the same tests on every feature.

Usage: /usr/bin/python3 bench/drift_scipy.py FOLDER. Numeric columns n0..n15: ks_2samp, PSI over the reference's
deciles (numpy quantiles, shares floored at 1e-4), Jensen-Shannon distance (base 2) and chi2_contingency over the
same bins, and wasserstein_distance, on every row. Categorical columns c0..c3: chi2_contingency of the 2xK table and the
Jensen-Shannon distance of the counts. Prints the seconds taken and the drifted features, as JSON.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

start = time.perf_counter()
folder = sys.argv[1]
reference = pd.read_csv(f'{folder}/reference.csv')
current = pd.read_csv(f'{folder}/current.csv')
drifted = []
ks_p = {}
for name in [f'n{i}' for i in range(16)]:
    a = reference[name].to_numpy()
    b = current[name].to_numpy()
    ks = ks_2samp(a, b)
    edges = np.unique(np.quantile(a, np.linspace(0.1, 0.9, 9)))
    rc = np.bincount(np.searchsorted(edges, a, side='left'), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, b, side='left'), minlength=len(edges) + 1)
    r, c = rc / len(a), cc / len(b)
    rf, cf = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
    psi = float(np.sum((cf - rf) * np.log(cf / rf)))
    js = float(jensenshannon(r, c, base=2))
    table = np.array([rc, cc])
    chi = chi2_contingency(table[:, table.sum(axis=0) > 0])
    w = wasserstein_distance(a, b)
    ks_p[name] = float(ks.pvalue)
    if ks.pvalue < 0.01 and psi > 0.01:
        drifted.append(f'{name} (ks {ks.statistic:.3f}, psi {psi:.3f}, js {js:.3f}, chi2 {chi[0]:.0f}, w {w:.3f})')
for name in [f'c{i}' for i in range(4)]:
    counts = pd.concat([reference[name].value_counts(), current[name].value_counts()], axis=1).fillna(0)
    chi = chi2_contingency(counts.to_numpy().T)
    js = float(jensenshannon(counts.iloc[:, 0], counts.iloc[:, 1], base=2))
    if chi[1] < 0.01:
        drifted.append(f'{name} (chi2 {chi[0]:.0f}, js {js:.3f})')
print(json.dumps({'seconds': time.perf_counter() - start, 'drifted': drifted, 'ks': ks_p}))

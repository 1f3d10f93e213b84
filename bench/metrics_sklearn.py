"""The evaluate workload's reference: scikit-learn's metrics on the predictions mlgate's benchmark wrote.

Usage: /usr/bin/python3 bench/metrics_sklearn.py FOLDER. Reads truth.i32 and probabilities-{0,1}.f64 (3 classes),
computes for both models what mlgate's evaluate reports without the bootstrap (accuracy; precision, recall and F1,
macro and weighted; one-vs-rest macro ROC AUC and PR AUC; log loss; Brier; ECE with 15 bins) and prints the seconds
the metrics took, as JSON.
"""
import json
import sys
import time

import numpy as np
from sklearn.metrics import accuracy_score, average_precision_score, log_loss, precision_recall_fscore_support, roc_auc_score
from sklearn.preprocessing import label_binarize

folder = sys.argv[1]
y = np.fromfile(f'{folder}/truth.i32', dtype=np.int32)
probabilities = [np.fromfile(f'{folder}/probabilities-{i}.f64', dtype=np.float64).reshape(-1, 3) for i in range(2)]

start = time.perf_counter()
for p in probabilities:
    pred = p.argmax(1)
    accuracy_score(y, pred)
    precision_recall_fscore_support(y, pred, average='macro', zero_division=0)
    precision_recall_fscore_support(y, pred, average='weighted', zero_division=0)
    roc_auc_score(y, p, multi_class='ovr', average='macro')
    average_precision_score(label_binarize(y, classes=[0, 1, 2]), p, average='macro')
    log_loss(y, p)
    np.mean(np.sum((p - np.eye(3)[y]) ** 2, axis=1))
    confidence = p.max(1)
    bins = np.minimum(np.ceil(confidence * 15).astype(int) - 1, 14)
    ece = 0.0
    for b in range(15):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs((pred[mask] == y[mask]).mean() - confidence[mask].mean())
print(json.dumps({'seconds': time.perf_counter() - start}))

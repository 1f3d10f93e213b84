"""Reference values for test/unit/core/hashing.test.ts, computed apart from the TypeScript code.

Run: python3 test/unit/core/hashing.reference.py
"""

MASK = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & MASK


def hash_text(text):
    """FNV-1a over UTF-16 code units (a surrogate pair is two units)."""
    data = text.encode('utf-16-le', 'surrogatepass')
    h = 0x811C9DC5
    for i in range(0, len(data), 2):
        h = imul(h ^ int.from_bytes(data[i:i + 2], 'little'), 16777619)
    return h


def murmur_finalize32(value):
    h = value & MASK
    h = imul(h ^ (h >> 16), 0x85EBCA6B)
    h = imul(h ^ (h >> 13), 0xC2B2AE35)
    return h ^ (h >> 16)


def hash_row_key(seed, file_hash, row):
    h = imul((seed ^ 0x9E3779B9) & MASK, 0x85EBCA6B) ^ file_hash
    h = imul(h ^ (h >> 16), 0x85EBCA6B)
    h ^= row & MASK
    h = imul(h ^ (h >> 13), 0xC2B2AE35)
    h ^= (row >> 32) & MASK
    h = imul(h ^ (h >> 16), 0x85EBCA6B)
    h = imul(h ^ (h >> 13), 0xC2B2AE35)
    return h ^ (h >> 16)


def row_priority(seed, file_hash, row):
    return hash_row_key(seed, file_hash, row) * 2097152 + (hash_row_key(seed ^ 0x5BD1E995, file_hash, row) >> 11)


def row_bucket(file_hash, row, buckets):
    f = murmur_finalize32
    return f(file_hash ^ f((row & MASK) ^ f((row >> 32) + 0x9E3779B9))) % buckets


def file_identity(position):
    return murmur_finalize32(imul(position + 1, 0x27D4EB2F) ^ 0x165667B1)


TEXTS = ['', 'a', 'data.csv', 'det/./h04.csv', 'café', 'naïve façade', '日本語', '😀', '\ud83d', 'a\x00b', 'x' * 1000]
VALUES = [0, 1, 2, 255, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, -1, 2**32, 0x9E3779B9, 123456789]
ROWS = [0, 1, 37, 4096, 10**6, 2**32 - 1, 2**32, 2**40 + 3, 2**53 - 1]
SEEDS = [0, 1, 42, 2**32 - 1]

print('hashText', [hash_text(t) for t in TEXTS])
print('murmurFinalize32', [murmur_finalize32(v) for v in VALUES])
file_hash = hash_text('data.csv')
for seed in SEEDS:
    print('hashRowKey', seed, [hash_row_key(seed, file_hash, r) for r in ROWS])
for seed in SEEDS:
    print('rowPriority', seed, [row_priority(seed, file_hash, r) for r in ROWS])
print('fileIdentity', [file_identity(p) for p in [0, 1, 2, 65535]])
print('rowBucket', [row_bucket(file_identity(0), r, 4096) for r in ROWS])

#!/usr/bin/env python3
"""Scores TREC run files against TREC qrels: MRR@10, P@1, Recall@10, Recall@100, nDCG@10.

    bench/score.py QRELS RUN [RUN...]      one line per run, tab-separated, with a header

Every query in QRELS counts (a query the run does not answer scores 0), so runs that drop
queries are not flattered. Binary relevance (grade > 0 is relevant); nDCG uses log2(rank + 1)
and the ideal ordering of the judged relevant documents. Standard library only.
"""
import math
import sys
from collections import defaultdict


def read_qrels(path):
    rel = defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                sys.exit(f"score.py: {path}:{n}: expected 'qid 0 docid grade'")
            if int(parts[3]) > 0:
                rel[parts[0]].add(parts[2])
    return rel


def read_run(path):
    ranked = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 6:
                sys.exit(f"score.py: {path}:{n}: expected 'qid Q0 docid rank score tag'")
            ranked[parts[0]].append((int(parts[3]), parts[2]))
    return {q: [d for _, d in sorted(v)] for q, v in ranked.items()}


def score(rel, run):
    totals = defaultdict(float)
    for qid, relevant in rel.items():
        docs = run.get(qid, [])
        rr = 0.0
        for i, d in enumerate(docs[:10]):
            if d in relevant:
                rr = 1.0 / (i + 1)
                break
        totals["MRR@10"] += rr
        totals["P@1"] += 1.0 if docs[:1] and docs[0] in relevant else 0.0
        totals["R@10"] += len(relevant.intersection(docs[:10])) / len(relevant)
        totals["R@100"] += len(relevant.intersection(docs[:100])) / len(relevant)
        dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(docs[:10]) if d in relevant)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        totals["nDCG@10"] += dcg / idcg
    n = len(rel)
    return n, {k: v / n for k, v in totals.items()}


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    rel = read_qrels(argv[1])
    keys = ["MRR@10", "P@1", "R@10", "R@100", "nDCG@10"]
    print("run\tqueries\t" + "\t".join(keys))
    for path in argv[2:]:
        n, m = score(rel, read_run(path))
        name = path.rsplit("/", 1)[-1].removesuffix(".run")
        print(f"{name}\t{n}\t" + "\t".join(f"{m[k]:.4f}" for k in keys))


if __name__ == "__main__":
    main(sys.argv)

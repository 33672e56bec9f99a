#!/usr/bin/env python3
"""Where a ranking loses MRR@10 on a judged set of paragraphs: each question whose first hit is
not relevant is put in one of three classes, with the MRR@10 it loses.

    bench/misses.py DOCS.jsonl QRELS RUN [--list]

  nested   the first hit contains a relevant paragraph's text or is contained in it (ARCD often
           repeats a paragraph inside the next one): no ranking of the question can tell them
           apart, only the answer can;
  sibling  the first hit is another paragraph of the relevant paragraph's article (same title):
           the question's words fit the article, the answer is in a paragraph beside it;
  other    the first hit comes from another article.

--list prints the questions of the "other" class with the rank of the first relevant paragraph
and the two titles (the class a ranking change can still win back; docs/quality.md).
"""
import collections
import json
import re
import sys


def main(argv):
    if len(argv) < 4 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    docs_path, qrels_path, run_path = argv[1:4]
    listing = "--list" in argv[4:]
    space = re.compile(r"\s+")
    docs = {}
    for line in open(docs_path, encoding="utf-8"):
        d = json.loads(line)
        docs[d["id"]] = (d.get("title", ""), space.sub(" ", d.get("body", "")).strip())
    qrels = collections.defaultdict(set)
    for line in open(qrels_path, encoding="utf-8"):
        p = line.split()
        if len(p) >= 4 and int(p[3]) > 0:
            qrels[p[0]].add(p[2])
    run = collections.defaultdict(list)
    for line in open(run_path, encoding="utf-8"):
        p = line.split()
        if len(p) >= 3:
            run[p[0]].append(p[2])
    classes = collections.Counter()
    lost = collections.Counter()
    others = []
    rr_sum = 0.0
    for qid, rel in sorted(qrels.items()):
        top10 = run.get(qid, [])[:10]
        rank = next((i + 1 for i, d in enumerate(top10) if d in rel), None)
        rr = 1.0 / rank if rank else 0.0
        rr_sum += rr
        if rank == 1:
            continue
        first = top10[0] if top10 else None
        if first is None or first not in docs:
            c = "other"
        else:
            title, body = docs[first]
            rel_docs = [docs[d] for d in rel if d in docs]
            if any(body in b or b in body for _, b in rel_docs):
                c = "nested"
            elif any(title == t for t, _ in rel_docs):
                c = "sibling"
            else:
                c = "other"
        classes[c] += 1
        lost[c] += 1 - rr
        if c == "other":
            rel_title = docs[next(iter(rel))][0] if next(iter(rel)) in docs else "?"
            others.append((qid, rank, rel_title, docs[first][0] if first in docs else "?"))
    n = len(qrels)
    print(f"questions\t{n}\tMRR@10\t{rr_sum / n:.4f}")
    print("class\tquestions\tMRR@10 lost")
    for c in ("nested", "sibling", "other"):
        print(f"{c}\t{classes[c]}\t{lost[c] / n:.4f}")
    if listing:
        for qid, rank, rel_title, first_title in others:
            print(f"{qid}\t{rank or '-'}\t{rel_title}\t{first_title}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""The bad-input corpus end to end: fahras-index on the folder tests/data/bad/ must report every
bad record as `fahras-index: FILE:LINE: message` (exactly the messages of tests/data/bad.expected,
no others), count them in its summary, exit 1, and leave every good record searchable with
fahras-search by a word of it; then a generated document of 50 MB (JSON Lines and plain text),
between two good records, is cut or refused as --max-body-bytes says, with memory kept flat.

    bad_input.py FAHRAS_INDEX FAHRAS_SEARCH DATA_DIR WORK_DIR
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys

index_bin, search_bin, data, work = sys.argv[1:5]
bad = os.path.join(data, "bad")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what, file=sys.stderr)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, **kw)


# --- the committed corpus, indexed as a folder (each file's format from its name).
db = os.path.join(work, "db")
p = run([index_bin, "--db", db, bad])
err = p.stderr.decode("utf-8", "replace")
if p.returncode != 1:
    fail(f"exit status {p.returncode}, expected 1 (records rejected)")

expected = {"message": [], "indexed": [], "absent": [], "summary": []}
with open(os.path.join(data, "bad.expected"), encoding="utf-8") as f:
    for row in f:
        if row.startswith("#") or not row.strip():
            continue
        kind, *fields = row.rstrip("\n").split("\t")
        expected[kind].append(fields)

# Every message about a record: "fahras-index: DIR/FILE:LINE: text".
prefix = f"fahras-index: {bad}/"
actual = []
for row in err.splitlines():
    if row.startswith(prefix):
        m = re.match(r"([^:]+:\d+): (.*)", row[len(prefix):])
        if not m:
            fail(f"message without FILE:LINE: {row}")
            continue
        actual.append((m.group(1), m.group(2)))
    elif not row.startswith("fahras-index: indexed "):
        fail(f"unexpected output: {row}")
unmatched = list(actual)
for where, text in expected["message"]:
    hit = next((a for a in unmatched if a[0] == where and a[1].startswith(text)), None)
    if hit is None:
        fail(f"missing message {where}: {text}…")
    else:
        unmatched.remove(hit)
for where, text in unmatched:
    fail(f"unexpected message {where}: {text}")

summary = next((r for r in err.splitlines() if r.startswith("fahras-index: indexed ")), "")
for key, n in expected["summary"]:
    pattern = r"indexed (\d+) documents" if key == "indexed" else r"(\d+) " + re.escape(key)
    m = re.search(pattern, summary)
    if not m or m.group(1) != n:
        fail(f"summary: expected {n} {key}: {summary}")
m = re.search(r"database has (\d+) documents", summary)
if not m or int(m.group(1)) != len(expected["indexed"]):
    fail(f"summary: database should have {len(expected['indexed'])} documents: {summary}")

# Every good record is found by a word of it; no refused one is (one batch: one process).
queries = os.path.join(work, "queries.tsv")
probes = [(i, rid, word, kind) for kind in ("indexed", "absent")
          for i, (rid, word) in enumerate(expected[kind]) if word]
with open(queries, "w", encoding="utf-8") as f:
    for i, rid, word, kind in probes:
        f.write(f"{kind[0]}{i}\t{word}\n")
p = run([search_bin, "--db", db, "--format", "trec", "-n", "10000", "--queries", queries])
if p.returncode != 0:
    fail(f"fahras-search --queries: exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')}")
found = {}
for row in p.stdout.decode("utf-8").splitlines():
    qid, _, docid, *_ = row.split(" ")
    found.setdefault(qid, set()).add(docid)
searched = 0
for i, rid, word, kind in probes:
    hit = rid in found.get(f"{kind[0]}{i}", set())
    if kind == "indexed" and not hit:
        fail(f"good record {rid} not found by its word {word}")
    if kind == "absent" and hit:
        fail(f"refused record {rid} was indexed (found by {word})")
    searched += 1

# --- a 50 MB document (generated here, never committed) between two good records, in JSON
# Lines and as a text file. With --max-body-bytes 1000000 the JSON line (more than
# 6 × 1 MB + 1 MiB) is refused unread, in constant memory, and the text file is cut (read no
# further than the cut); with 9000000 the JSON line is parsed and its body cut.
big = os.path.join(work, "big")
os.makedirs(big)
good_lines = [l for l in open(os.path.join(bad, "json.jsonl"), encoding="utf-8-sig").read().splitlines()
              if l.startswith('{"id": "good-')][:2]
first, last = (json.loads(l) for l in good_lines)
size = 50_000_000


def text_of(sentence):
    return (sentence * (size // len(sentence.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")


# The JSON document is real text spread thin (a sentence, then 2 KB of spaces and line breaks):
# its 9 MB cut is parsed and analyzed, which under ASan must stay a matter of seconds.
with open(os.path.join(big, "big.jsonl"), "w", encoding="utf-8") as f:
    f.write(good_lines[0] + "\n")
    body = text_of(first["body"] + (" " * 99 + "\n") * 20)
    f.write(json.dumps({"id": "huge", "title": "وثيقة ضخمة", "body": body}, ensure_ascii=False) + "\n")
    f.write(good_lines[1] + "\n")
with open(os.path.join(big, "huge.txt"), "w", encoding="utf-8") as f:
    f.write("وثيقة نصية ضخمة\n" + text_of(first["body"] + " "))
json_bytes = os.path.getsize(os.path.join(big, "big.jsonl"))
huge_line = json_bytes - len(good_lines[0].encode()) - len(good_lines[1].encode()) - 3
del body


def index_big(name, max_body, what):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = run([index_bin, "--db", os.path.join(work, name), "--max-body-bytes", str(max_body), what])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p.returncode, p.stderr.decode("utf-8", "replace"), (peak_kb if peak_kb > before else None)


rc, err, peak = index_big("big-refused", 1_000_000, big)
where = f"fahras-index: {big}/big.jsonl:2: "
if rc != 1:
    fail(f"50 MB line, --max-body-bytes 1000000: exit {rc}, expected 1\n{err}")
if where + f"line of {huge_line} bytes is too long to be a record (--max-body-bytes); skipped" not in err:
    fail(f"50 MB line: no 'too long' message naming {big}/big.jsonl:2\n{err}")
if f"fahras-index: {big}/huge.txt:1: warning: document of " not in err or " cut to 1000000 (--max-body-bytes)" not in err:
    fail(f"50 MB text file: no 'cut' warning\n{err}")
if not re.search(r"indexed 3 documents .* 1 rejected, .* 1 cut", err):
    fail(f"50 MB, refused: summary\n{err}")
if peak is not None and peak > 400_000:
    fail(f"50 MB, refused: peak memory {peak} kB")
p = run([search_bin, "--db", os.path.join(work, "big-refused"), "--format", "trec", "-n", "10", "وثيقة"])
ids = {row.split(" ")[2] for row in p.stdout.decode().splitlines()}
if ids != {"huge.txt"}:
    fail(f"50 MB, refused: search for a title word found {ids}")
p = run([search_bin, "--db", os.path.join(work, "big-refused"), "--format", "trec", "-n", "10", first["title"].split()[-1]])
if first["id"] not in p.stdout.decode():
    fail("50 MB, refused: the good record before it is not found")

rc, err, peak = index_big("big-cut", 9_000_000, os.path.join(big, "big.jsonl"))
if rc != 0:
    fail(f"50 MB line, --max-body-bytes 9000000: exit {rc}, expected 0\n{err}")
if where + "warning: document of " not in err or " cut to 9000000 (--max-body-bytes)" not in err:
    fail(f"50 MB line: no 'cut' warning naming {big}/big.jsonl:2\n{err}")
if not re.search(r"indexed 3 documents .* 0 rejected, .* 1 cut", err):
    fail(f"50 MB, cut: summary\n{err}")
p = run([search_bin, "--db", os.path.join(work, "big-cut"), "--format", "json", "-n", "10", "=ضخمة"])
ids = {r["data"]["id"] for r in map(json.loads, p.stdout.decode().splitlines()) if r["type"] == "hit"}
if ids != {"huge"}:
    fail(f"50 MB, cut: the huge documents are not found by a title word: {ids}")
p = run([search_bin, "--db", os.path.join(work, "big-cut"), "--format", "trec", "-n", "10", last["title"].split()[-1]])
if last["id"] not in p.stdout.decode():
    fail("50 MB, cut: the good record after it is not found")

shutil.rmtree(big)
print(f"bad input: {len(actual)} messages, {len(expected['indexed'])} records indexed, {searched} searches; "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)

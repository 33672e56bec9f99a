#!/usr/bin/env python3
"""Writes tests/data/bad/ (the bad-input corpus) and tests/data/bad.expected (what fahras-index
must say about it), deterministically. Run from the repository root:

    python3 tests/data/make_bad_corpus.py

Good records are real news text: the first lines of corpus/news-sample.jsonl.zst (ANT Corpus,
Apache-2.0), bodies cut to about 300 bytes at a word boundary. Bad records are built here, one
per class of damage. Needs the zstd, gzip, bzip2 and xz programs (only to write the truncated
archives; the test itself needs none of them).

bad.expected has one line per fact the test checks (tab-separated):
    message  FILE:LINE  text            a message `fahras-index: DIR/FILE:LINE: text…` (prefix)
    indexed  ID  WORD                   the record is in the database and found by WORD (a word
                                        of it; none for a record without words)
    absent   ID  WORD                   the record is not in the database (WORD finds others only)
    summary  KEY  N                     a count of the summary line ("N rejected", …)
FILE is relative to tests/data/bad/. No other per-record message may appear.
"""

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "bad")
EXPECTED = os.path.join(ROOT, "tests", "data", "bad.expected")

news = subprocess.run(["zstd", "-dc", os.path.join(ROOT, "corpus", "news-sample.jsonl.zst")],
                      check=True, capture_output=True).stdout.decode("utf-8").splitlines()
_next_news = 0


def good(prefix="good"):
    """The next news record, body cut to ~300 bytes, as a dict (fields id, title, body)."""
    global _next_news
    while True:
        r = json.loads(news[_next_news])
        _next_news += 1
        if r.get("title"):
            break
    body = r["body"].replace("\n", " ")
    cut = body.encode("utf-8")[:300].decode("utf-8", "ignore")
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return {"id": f"{prefix}-{_next_news}", "title": r["title"], "body": cut}


def line(record):
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


expected = []
# Summary counts, accumulated per file.
counts = {"indexed": 0, "rejected": 0, "repaired": 0}


def msg(file, lineno, text):
    expected.append(f"message\t{file}:{lineno}\t{text}")


def probe(record):
    """A word to find the record by: its longest token of plain Arabic letters."""
    words = [w for w in (record.get("title", "") + " " + record["body"]).split()
             if len(w) >= 3 and all("\u0621" <= c <= "\u064a" and c != "\u0640" for c in w)]
    return max(words, key=len) if words else ""


def indexed(rid, record=None):
    expected.append(f"indexed\t{rid}\t{probe(record) if record else ''}")
    counts["indexed"] += 1


def absent(rid, record=None):
    expected.append(f"absent\t{rid}\t{probe(record) if record else ''}")


def rejected(file, lineno, text, rid=None, record=None):
    msg(file, lineno, text)
    counts["rejected"] += 1
    if rid:
        absent(rid, record)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def replacements(raw):
    """How many U+FFFD a maximal-subpart repair puts in (Python's 'replace' follows the same
    Unicode recommendation as ICU's U8_NEXT)."""
    return raw.decode("utf-8", "replace").count("\ufffd")


os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    os.remove(os.path.join(OUT, f))

# --- utf8.jsonl: every class of invalid UTF-8, raw bytes inside a record of real text. Each
# record is repaired (U+FFFD), indexed, and says so in a warning.
invalid = [
    ("overlong-2byte", b"\xc0\xaf \xc1\xbf"),                    # '/' and U+007F in two bytes
    ("overlong-3byte", b"\xe0\x80\xaf \xe0\x9f\xbf"),            # '/' and U+07FF in three bytes
    ("overlong-4byte", b"\xf0\x80\x80\xaf \xf0\x8f\xbf\xbf"),    # '/' and U+FFFF in four bytes
    ("surrogate-high", b"\xed\xa0\x80"),                         # U+D800 encoded as UTF-8
    ("surrogate-low", b"\xed\xbf\xbf"),                          # U+DFFF
    ("surrogate-pair-cesu", b"\xed\xa0\xbd\xed\xb8\x80"),        # U+1F600 as CESU-8
    ("truncated-2of2", b"\xd8 "),                                # ا without its second byte
    ("truncated-2of3", b"\xe2\x80 "),                            # … missing a byte
    ("truncated-3of4", b"\xf0\x9f\x98 "),                        # 😀 missing a byte
    ("truncated-at-end-of-string", b"\xd9"),                     # right before the closing quote
    ("stray-continuation", b"\x80 \xbf \x80\x80\x80"),
    ("bytes-f5-ff", bytes(range(0xf5, 0x100))),                  # never valid anywhere
    ("five-and-six-byte-forms", b"\xf8\x88\x80\x80\x80 \xfc\x84\x80\x80\x80\x80"),
    ("above-u10ffff", b"\xf4\x90\x80\x80"),                      # U+110000
]
lines = []
r = good()
lines.append(line(r)); indexed(r["id"], r)
for name, raw in invalid:
    r = good("utf8-" + name)
    text = r["body"].encode("utf-8")
    mid = text.find(b" ", len(text) // 2)
    at_end = name == "truncated-at-end-of-string"
    # The text parts JSON-escaped, the invalid bytes put raw inside the string.
    esc = lambda b: json.dumps(b.decode("utf-8"), ensure_ascii=False)[1:-1].encode()
    body = esc(text) + raw if at_end else esc(text[:mid]) + b" " + raw + b" " + esc(text[mid:])
    raw_line = (b'{"id": "' + r["id"].encode() + b'", "title": ' + json.dumps(r["title"], ensure_ascii=False).encode()
                + b', "body": "' + body + b'"}')
    lines.append(raw_line)
    n = replacements(raw_line)
    msg("utf8.jsonl", len(lines), f"warning: invalid UTF-8: {n} byte sequence(s) replaced by U+FFFD")
    counts["repaired"] += 1
    indexed(r["id"], r)
# Invalid bytes outside any string: repaired first, then the line is not JSON.
r = good("utf8-outside-string")
lines.append(b'{"id": "' + r["id"].encode() + b'", \xff\xfe "body": ' + json.dumps(r["body"], ensure_ascii=False).encode() + b'}')
msg("utf8.jsonl", len(lines), "warning: invalid UTF-8: 2 byte sequence(s) replaced by U+FFFD")
counts["repaired"] += 1
rejected("utf8.jsonl", len(lines), "invalid JSON: ", r["id"], r)
r = good(); lines.append(line(r)); indexed(r["id"], r)
write("utf8.jsonl", b"\n".join(lines) + b"\n")

# --- json.jsonl: malformed JSON lines between good ones.
lines = []
r = good()
lines.append(b"\xef\xbb\xbf" + line(r)); indexed(r["id"], r)  # a byte order mark before the first record


def bad_json(raw, text, rid=None, record=None):
    lines.append(raw)
    rejected("json.jsonl", len(lines), text, rid, record)


def ok(raw, rid, record):
    lines.append(raw)
    indexed(rid, record)


r = good("json-unclosed"); bad_json(line(r)[:-1], "invalid JSON: ", r["id"], r)
r = good(); ok(line(r), r["id"], r)
r = good("json-garbage-after"); bad_json(line(r) + b" x", "invalid JSON: ", r["id"], r)
r = good("json-two-objects"); bad_json(line(r) + line(good("json-second-object")), "invalid JSON: ", r["id"], r)
bad_json(b"{'id': 'single-quotes', 'body': '\xd9\x86\xd8\xb5'}", "invalid JSON: ", "single-quotes")
bad_json(b'{id: "unquoted-key", body: "\xd9\x86\xd8\xb5"}', "invalid JSON: ", "unquoted-key")
bad_json(b'{"id": "trailing-comma", "body": "\xd9\x86\xd8\xb5",}', "invalid JSON: ", "trailing-comma")
bad_json(b'{"id": "lone-surrogate-escape", "body": "\\ud800 \xd9\x86\xd8\xb5"}', "invalid JSON: ", "lone-surrogate-escape")
bad_json(b'{"id": "bad-escape", "body": "\\x41 \xd9\x86\xd8\xb5"}', "invalid JSON: ", "bad-escape")
bad_json(b'{"id": "raw-tab", "body": "\xd9\x86\xd8\xb5\t\xd9\x86\xd8\xb5"}', "invalid JSON: ", "raw-tab")
r = good(); ok(line(r), r["id"], r)
bad_json(b'"\xd9\x86\xd8\xb5 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a"', "expected a JSON object, got string")
bad_json(b"42", "expected a JSON object, got number")
bad_json(b"null", "expected a JSON object, got null")
bad_json(b"true", "expected a JSON object, got boolean")
bad_json(b'[{"id": "in-array", "body": "\xd9\x86\xd8\xb5"}]', "expected a JSON object, got array", "in-array")
bad_json(b"[" * 5000 + b"]" * 5000, "expected a JSON object, got array")  # deep nesting
bad_json(b"{" * 3000, "invalid JSON: ")                                       # deep and unclosed
bad_json(b'{"id": "body-object", "body": {"text": "\xd9\x86\xd8\xb5"}}', 'no "body" text field', "body-object")
bad_json(b'{"id": "body-array", "body": ["\xd9\x86\xd8\xb5"]}', 'no "body" text field', "body-array")
bad_json(b'{"id": "body-null", "body": null}', 'no "body" text field', "body-null")
bad_json(b'{"id": "no-body", "title": "\xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86"}', 'no "body" text field', "no-body")
bad_json(b'{"id": "empty-body", "title": "", "body": ""}', "empty document", "empty-body")
bad_json(b'{"id": "blank-body", "title": " ", "body": " \\t\\n\\r "}', "empty document", "blank-body")
bad_json(b"{}", 'no "body" text field')
r = good(); ok(line(r), r["id"], r)
r = good("json-crlf"); ok(line(r) + b"\r", r["id"], r)  # a CRLF line end
r = good("json-number-id"); r["id"] = 424242; ok(line(r), "424242", r)
r = good("json-duplicate-key"); raw = line(r)
ok(raw[:-1] + b', "body": ' + json.dumps(r["body"], ensure_ascii=False).encode() + b"}", r["id"], r)
r = good("json-unknown-fields"); r["extra"] = {"nested": [1, 2, {"x": None}]}; r["n"] = 1e308; ok(line(r), r["id"], r)
r = good("json-escaped"); ok(json.dumps(r, ensure_ascii=True).encode(), r["id"], r)  # \uXXXX escapes only
# Ids become Xapian terms ("Q" + id, at most 245 bytes): 244 bytes is the longest id.
r = good("json-long-id"); long_id = "long-id-" + "\u0642" * 200  # 408 bytes
r["id"] = long_id; bad_json(line(r), "id of 408 bytes is too long (at most 244 bytes); skipped", long_id, r)
r = good("json-longest-id"); r["id"] = "longest-id-" + "\u0642" * 116 + "x"  # 244 bytes
ok(line(r), r["id"], r)
r = good(); ok(line(r), r["id"], r)
write("json.jsonl", b"\n".join(lines) + b"\n")

# --- controls.jsonl: NUL bytes, lone combining marks, bidi-control floods.
lines = []
harakat = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def ctl(raw, rid, record):
    lines.append(raw)
    indexed(rid, record)


r = good(); ctl(line(r), r["id"], r)
r = good("ctl-escaped-nul"); r["body"] = r["body"].replace(" ", " \u0000 ", 3); ctl(line(r), r["id"], r)
r = good("ctl-raw-nul"); raw = line(r).replace(" ".encode(), b"\x00", 1)
lines.append(raw); rejected("controls.jsonl", len(lines), "invalid JSON: ", r["id"], r)
r = good("ctl-nul-outside"); lines.append(line(r)[:-1] + b", \x00}"); rejected("controls.jsonl", len(lines), "invalid JSON: ", r["id"], r)
r = good("ctl-harakat-line"); r["body"] = r["body"] + "\n" + harakat * 40 + "\n" + good()["body"]; ctl(line(r), r["id"], r)
r = good("ctl-harakat-only"); r["title"] = harakat; r["body"] = (harakat * 30 + "\n") * 3
ctl(line(r), r["id"], r)  # indexed, although it has no word to find it by (see tests/data/README.md)
r = good("ctl-mark-flood"); w = r["body"].split(" "); w[3] = w[3] + "\u0651" * 300; r["body"] = " ".join(w); ctl(line(r), r["id"], r)
r = good("ctl-bidi-flood"); r["body"] = r["body"].replace(" ", " " + bidi * 800 + " ", 1); ctl(line(r), r["id"], r)
r = good("ctl-bidi-in-words"); r["body"] = " ".join("\u200f" + x + "\u200e" for x in r["body"].split(" ")); ctl(line(r), r["id"], r)
r = good("ctl-bidi-title"); r["title"] = "\u2067" + r["title"] + "\u2069" + "\u202e" * 2000; ctl(line(r), r["id"], r)
r = good("ctl-bidi-only"); r["title"] = ""; r["body"] = bidi * 500; ctl(line(r), r["id"], r)
r = good("ctl-c0-c1"); r["body"] = r["body"].replace(" ", " \u0001\u001b[31m\u007f\u0085\u009b ", 2); ctl(line(r), r["id"], r)
r = good("ctl-tatweel-flood"); r["body"] = r["body"].replace(" ", " \u0640" * 500 + " ", 1); ctl(line(r), r["id"], r)
r = good(); ctl(line(r), r["id"], r)
write("controls.jsonl", b"\n".join(lines) + b"\n")

# --- plain text: NUL bytes in a text file; empty and blank files of each format.
r = good()
write("nul.txt", (r["title"] + "\n" + r["body"].replace(" ", " \x00 ", 2) + "\x00\n").encode())
indexed("nul.txt", r)
write("empty.txt", b"")
rejected("empty.txt", 1, "empty document: the file has no text")
write("blank.txt", b" \n\t\n\r\n")
rejected("blank.txt", 1, "empty document: the file has no text")
write("empty.jsonl", b"")
write("blank.jsonl", b"\n \n\t\n\r\n")
write("empty.jsonl.gz", gzip.compress(b"", mtime=0))

# --- truncated archives: three concatenated streams of four records each, the file cut in the
# middle of the third. Records of complete streams are read; the cut is reported once.
def decoded_prefix(kind, data):
    """The bytes a streaming decoder delivers from a truncated file before it runs dry."""
    out = b""
    if kind == "zst":
        return subprocess.run(["zstd", "-dc"], input=data, capture_output=True).stdout
    while data:
        d = {"gz": lambda: zlib.decompressobj(31), "bz2": bz2.BZ2Decompressor, "xz": lzma.LZMADecompressor}[kind]()
        out += d.decompress(data)
        if not d.eof:
            return out
        data = d.unused_data
    return out


tools = {"gz": ["gzip", "-9n"], "bz2": ["bzip2", "-9"], "xz": ["xz", "-9"], "zst": ["zstd", "-19", "-q"]}
for kind, tool in tools.items():
    name = f"truncated.jsonl.{kind}"
    records = [good(f"trunc-{kind}") for _ in range(12)]
    streams = []
    for k in range(3):
        plain = b"".join(line(x) + b"\n" for x in records[4 * k:4 * k + 4])
        streams.append(subprocess.run(tool, input=plain, check=True, capture_output=True).stdout)
    whole = b"".join(streams)
    cut = len(streams[0]) + len(streams[1]) + len(streams[2]) // 2
    data = whole[:cut]
    write(name, data)
    got = decoded_prefix(kind, data)
    complete = got.count(b"\n")
    for x in records[:complete]:
        indexed(x["id"], x)
    for x in records[complete:]:
        absent(x["id"], x)
    # The line of the message: the line cut short, or the one after the last whole line.
    rejected(name, complete + 1, f"truncated {dict(gz='gzip', bz2='bzip2', xz='xz', zst='zstd')[kind]} stream")

# --- wiki dumps: a good page, then damage that ends the dump (expat stops at the first error).
esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
page = ("  <page>\n    <title>{t}</title>\n    <ns>0</ns>\n    <id>{i}</id>\n    <revision>\n"
        "      <timestamp>2018-09-11T00:00:00Z</timestamp>\n      <text>{b}</text>\n    </revision>\n  </page>\n")
head = "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\">\n"
r1, r2 = good(), good("wiki-after-bad-byte")
xml = (head + page.format(t=esc(r1["title"]), i=9001, b=esc(r1["body"]))).encode()
xml += page.format(t=esc(r2["title"]), i=9002, b=esc(r2["body"])).encode().replace(" ".encode(), b" \xff ", 1)
xml += b"</mediawiki>\n"
write("invalid-byte.xml", xml)
indexed("9001", r1); absent("9002", r2)
rejected("invalid-byte.xml", xml[:xml.index(b"\xff")].count(b"\n") + 1, "invalid XML: not well-formed (invalid token)")
r1, r2 = good(), good()
xml = (head + page.format(t=esc(r1["title"]), i=9003, b=esc(r1["body"])) + page.format(t=esc(r2["title"]), i=9004, b=esc(r2["body"]))).encode()
xml = xml[:xml.rfind(b"<text>") + 40]
write("truncated.xml", xml)
indexed("9003", r1); absent("9004", r2)
rejected("truncated.xml", xml.count(b"\n") + 1, "invalid XML: ")
write("empty.xml", b"")
rejected("empty.xml", 1, "invalid XML: no element found")

expected.append(f"summary\tindexed\t{counts['indexed']}")
expected.append(f"summary\trejected\t{counts['rejected']}")
expected.append(f"summary\trepaired UTF-8\t{counts['repaired']}")
with open(EXPECTED, "w") as f:
    f.write("# Written by tests/data/make_bad_corpus.py: what fahras-index must say about tests/data/bad/.\n")
    f.write("\n".join(expected) + "\n")
total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
print(f"bad corpus: {len(os.listdir(OUT))} files, {total} bytes; {len(expected)} expectations", file=sys.stderr)

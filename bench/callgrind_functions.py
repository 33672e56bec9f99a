#!/usr/bin/env python3
"""Inclusive and self instruction counts and call counts of functions in a callgrind profile,
aggregated by function name (callgrind_annotate splits a function into one row per file its
inlined code comes from).

    valgrind --tool=callgrind --callgrind-out-file=cg.out fahras-search --db DB --queries Q ...
    bench/callgrind_functions.py cg.out 'Snippeter::match\\(' 'TermStatsCache::get' '^malloc$'

Prints the program's total, then for each regular expression every function whose name it
matches: inclusive Ir (self + calls out; recursion is not subtracted), self Ir, calls in.
"""
import collections
import re
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    names = {}

    def name(s):
        # "(id) name" defines a compressed name, "(id)" refers to one.
        m = re.match(r"\((\d+)\)(?: (.*))?$", s.strip())
        if not m:
            return s.strip()
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names[m.group(1)]

    own = collections.Counter()
    out = collections.Counter()
    calls = collections.Counter()
    fn = cfn = None
    pending = None
    total = 0
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith("fn="):
                fn = name(line[3:])
            elif line.startswith("cfn="):
                cfn = name(line[4:])
            elif line.startswith("calls="):
                pending = (cfn, int(line[6:].split()[0]))
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if pending:
                    callee, n = pending
                    pending = None
                    if callee != fn:
                        out[fn] += cost
                    calls[callee] += n
                else:
                    own[fn] += cost
                    total += cost
    print(f"total {total:,}")
    everything = set(own) | set(out) | set(calls)
    for pattern in sys.argv[2:]:
        rx = re.compile(pattern)
        for f in sorted((f for f in everything if rx.search(f)), key=lambda f: -(own[f] + out[f])):
            print(f"{own[f] + out[f]:>15,} incl {own[f]:>13,} self {calls[f]:>10,} calls  {f[:150]}")


if __name__ == "__main__":
    main()

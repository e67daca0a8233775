#!/usr/bin/env python3
"""Compares `bouncectl parse` with the expected results beside each sample.

tests/corpus/<family>/<name>.eml sits beside <name>.expected: one JSON object per
line, one line per expected recipient in output order, holding only the fields to
check (any of the output fields). An empty .expected file means: no row at all.
Prints one line per mismatch and a closing 'N passed, N failed' line.
"""
import json, os, subprocess, sys

def main():
    bouncectl, corpus = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for root, _, files in sorted(os.walk(corpus)):
        for name in sorted(files):
            if not name.endswith(".eml"):
                continue
            path = os.path.join(root, name)
            exp_path = path[:-4] + ".expected"
            if not os.path.exists(exp_path):
                print(f"MISSING {exp_path}")
                failed += 1
                continue
            with open(exp_path, encoding="utf-8") as f:
                expected = [json.loads(l) for l in f if l.strip()]
            p = subprocess.run([bouncectl, "parse", path], capture_output=True, timeout=30)
            if p.returncode != 0:
                print(f"FAIL {path}: exit {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
                failed += 1
                continue
            got = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
            problems = []
            if len(got) != len(expected):
                problems.append(f"{len(got)} rows, expected {len(expected)}")
            for i, (e, g) in enumerate(zip(expected, got)):
                for k, v in e.items():
                    if g.get(k) != v:
                        problems.append(f"row {i+1} {k}: got {g.get(k)!r}, expected {v!r}")
            if problems:
                print(f"FAIL {os.path.relpath(path, corpus)}: " + "; ".join(problems))
                failed += 1
            else:
                passed += 1
    print(f"corpus: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0

if __name__ == "__main__":
    sys.exit(main())

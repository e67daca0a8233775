#!/usr/bin/env python3
"""Runs `bouncectl rules test` for each line of a TSV of cases and compares the
decision. Columns: expected_reason, expected_class, status, reply, remote_mta, text,
and optionally recipient and the SMTP command answered (RCPT, DATA, MAIL; "-" = not given). Usage: rules_cases.py BOUNCECTL TSVFILE [RULES_DIR]"""
import subprocess, sys


def main():
    ctl, tsv = sys.argv[1], sys.argv[2]
    rules = sys.argv[3] if len(sys.argv) > 3 else None
    passed = failed = 0
    for n, line in enumerate(open(tsv, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        reason, klass, status, reply, remote, text = cols[:6]
        recipient = cols[6] if len(cols) > 6 else "-"
        command = cols[7] if len(cols) > 7 else "-"
        cmd = [ctl, "rules", "test", "--text", text]
        if rules:
            cmd += ["--rules", rules]
        for opt, val in (("--status", status), ("--reply", reply), ("--remote-mta", remote), ("--recipient", recipient), ("--command", command)):
            if val != "-":
                cmd += [opt, val]
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        got = dict(l.split(":", 1) for l in out.splitlines() if ":" in l and not l.startswith(" "))
        g_reason, g_class = got.get("reason", "").strip(), got.get("class", "").strip()
        if (g_reason, g_class) == (reason, klass):
            passed += 1
        else:
            failed += 1
            print(f"FAIL line {n}: expected {reason}/{klass}, got {g_reason}/{g_class} ({got.get('rule', '').strip()}): {text[:80]}")
    print(f"rules-cases: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())

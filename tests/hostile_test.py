#!/usr/bin/env python3
"""Hostile inputs, generated here (nothing stored): each must give a defined result,
exit 0, valid JSON lines, within a time bound proportional to its size and with
peak memory bounded (the message size limit caps what is read).
Usage: hostile_test.py BOUNCECTL
"""
import json, os, subprocess, sys, tempfile, threading, time

CTL = sys.argv[1]
res = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    res["passed" if cond else "failed"] += 1
    if not cond:
        print(f"FAIL: {name} {detail}")


HEAD = ("From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\nSubject: Undelivered Mail\n"
        "MIME-Version: 1.0\n")


def dsn_with(recipients_block, extra=""):
    return (HEAD + 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
            "--b\nContent-Type: text/plain\n\nfailed\n" + extra +
            "\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
            + recipients_block + "\n--b--\n")


def run(name, data, seconds, expect=None, max_rss_mb=512):
    """Parses data; checks exit 0, JSON lines, the time bound and the peak memory."""
    with tempfile.NamedTemporaryFile(suffix=".eml", delete=False) as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))
        path = f.name
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    t0 = time.time()
    p = subprocess.Popen([CTL, "parse", path], stdout=out, stderr=err)
    killer = threading.Timer(seconds * 3 + 5, p.kill)
    killer.start()
    _, status, usage = os.wait4(p.pid, 0)
    killer.cancel()
    took = time.time() - t0
    os.unlink(path)
    rc = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read(), err.read()
    peak_mb = usage.ru_maxrss / 1024
    check(f"{name}: exit 0", rc == 0, f"exit {rc} {stderr[-300:]!r}")
    check(f"{name}: within {seconds}s", took <= seconds, f"{took:.2f}s")
    check(f"{name}: memory under {max_rss_mb} MB", peak_mb <= max_rss_mb, f"{peak_mb:.0f} MB")
    rows = []
    for line in stdout.decode("utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            check(f"{name}: JSON output", False, line[:200])
            return rows
    if expect:
        check(f"{name}: {expect.__doc__ or 'expectation'}", expect(rows, stderr.decode()), f"{len(rows)} rows")
    return rows


def main():
    one = "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n"
    run("unclosed boundary", HEAD + 'Content-Type: multipart/report; boundary="never"\n\n--never\n'
        "Content-Type: message/delivery-status\n\n\n" + one, 2, lambda r, e: len(r) == 1)

    deep = HEAD + 'Content-Type: multipart/mixed; boundary="b0"\n\n'
    for i in range(1, 10000):
        deep += f'--b{i-1}\nContent-Type: multipart/mixed; boundary="b{i}"\n\n'
    run("10,000 nested parts", deep, 5, lambda r, e: "limit" in e)

    # Two million empty parts under one boundary: each "--b" line would be an entity.
    flat = HEAD + 'Content-Type: multipart/mixed; boundary="b"\n\n' + "--b\n\n" * 2000000 + "--b--\n"
    run("2,000,000 flat parts", flat, 5, lambda r, e: "limit" in e, max_rss_mb=256)

    # Two million one-letter header fields: at the top, and in a returned message whose
    # Content-Type names its type on a continuation line.
    run("2,000,000 header fields", HEAD + "X: y\n" * 2000000 + "\nbody\n", 5,
        lambda r, e: "limit" in e, max_rss_mb=256)
    returned = dsn_with(one).replace("\n--b--\n", "\n--b\nContent-Type:\n message/rfc822\n\n"
                                       + "X: y\n" * 2000000 + "\nbody\n--b--\n")
    run("2,000,000 header fields in the returned message", returned, 5,
        lambda r, e: len(r) == 1 and "limit" in e, max_rss_mb=256)

    big_line = dsn_with(one, extra="x" * (50 << 20))
    # bounded by the 64 MiB message limit: a few copies of the input at most
    run("50 MB single line", big_line, 10, lambda r, e: len(r) == 1, max_rss_mb=512)

    # One header field of 60 MB, a line in a returned message's header and a fold of
    # many lines in a part's header: mimetic grows a field's buffer 128 bytes at a
    # time and copies it whole each time (minutes); the field is cut at 256 KiB.
    long_line = dsn_with(one).replace("\n--b--\n", "\n--b\nContent-Type: message/rfc822\n\nSubject: "
                                      + "s" * (60 << 20) + "\nTo: x@example.org\n\nbody\n--b--\n")
    run("a 60 MB header line in the returned message", long_line, 5,
        lambda r, e: len(r) == 1 and "header field" in e, max_rss_mb=512)
    fold = dsn_with(one).replace("--b\nContent-Type: text/plain\n", "--b\nContent-Type: text/plain\nX-Long: a\n"
                                 + (" " + "f" * 999 + "\n") * 9000, 1)
    run("a 9 MB folded header field in a part", fold, 5,
        lambda r, e: len(r) == 1 and "header field" in e, max_rss_mb=512)

    many = "".join(f"Final-Recipient: rfc822; user{i}@example.org\nAction: failed\nStatus: 5.1.1\n\n" for i in range(100000))
    run("100,000 recipients", dsn_with(many), 30, lambda r, e: len(r) == 100000)

    bad64 = (HEAD + 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
             "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!%%%not*base64===\n"
             "--b\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\n"
             "Final-Recipient: rfc822; q=3Dp@example.org\nAction: failed=ZZ\nStatus: 5.1.1=\n\n--b--\n")
    run("invalid base64 and quoted-printable", bad64, 2, lambda r, e: len(r) == 1)

    nul = dsn_with(one, extra="before\x00after\x00" * 1000)
    run("NUL bytes", nul, 2, lambda r, e: len(r) == 1)

    badutf = (HEAD + 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
              "--b\nContent-Type: text/plain; charset=x-unknown-charset\n\n\xff\xfe\xc3\x28 broken\n"
              "--b\nContent-Type: message/delivery-status\n\n"
              "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n"
              "Diagnostic-Code: smtp; 550 \xff\xfe user \xc3\x28 unknown\n--b--\n").encode("latin-1")
    run("invalid UTF-8 and unknown charsets", badutf, 2, lambda r, e: len(r) == 1 and "\ufffd" in r[0]["diagnostic"])

    inj = dsn_with('Final-Recipient: rfc822; "evil\r\nX-Injected: yes"@example.org\nAction: failed\nStatus: 5.1.1\n\n'
                   "Final-Recipient: rfc822; " + "a" * 5000 + "@example.org\nAction: failed\nStatus: 5.1.1\n\n"
                   "Final-Recipient: rfc822; <ok@example.org>\r\nAction: failed\nStatus: 5.1.1\n")

    def no_injection(rows, err):
        """no recipient carries CR/LF or is over the address limit"""
        return all("\n" not in r["recipient"] and "\r" not in r["recipient"] and len(r["recipient"]) <= 512 for r in rows) \
            and any(r["recipient"] == "ok@example.org" for r in rows)
    run("header injection and long local parts", inj, 2, no_injection)

    self_bounce = dsn_with("Final-Recipient: rfc822; bounces@example.com\nAction: failed\nStatus: 5.1.1\n")
    run("a report about the bounce address itself", self_bounce, 2, lambda r, e: len(r) <= 1)

    run("empty file", b"", 1, lambda r, e: len(r) == 0)
    run("binary garbage", os.urandom(1 << 20), 3, None)
    print(f"hostile: {res['passed']} passed, {res['failed']} failed")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

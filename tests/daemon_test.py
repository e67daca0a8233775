#!/usr/bin/env python3
"""Integration tests of bounced and bouncectl: a real daemon on a temporary folder.

Proves: ingest then status; promotion at 7, and at 15 with activity; delays and
duplicates not counted; restart keeps everything; SIGHUP with a broken rule keeps
the old rules; `bouncectl ingest` exits 75 with the daemon stopped and 0 after
commit; kill -9 during a stream of ingests loses no acknowledged message and counts
none twice; a peer without permission cannot unsuppress.
Usage: daemon_test.py BUILD_DIR SOURCE_DIR
"""
import os, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bounced_harness import *  # noqa: E402,F401,F403
import bounced_harness as H  # noqa: E402


def main():
    tmp = tempfile.mkdtemp(prefix="bounced-test-")
    os.chmod(tmp, 0o777)
    H.set_socket(f"{tmp}/b.sock")
    d = Daemon(tmp)
    try:
        d.start()
        check("the log names how rule patterns are matched", "text patterns: " in open(f"{tmp}/log").read())
        # ingest then status
        rc, _, _ = ctl("ingest", data=dsn("gone@example.org", "m1@x", status="5.1.1", diag="550 5.1.1 user unknown"))
        check("ingest exits 0 after commit", rc == 0)
        s = status("gone@example.org")
        check("hard bounce suppresses at once", s.get("state") == "hard" and s.get("reason") == "userunknown", s)
        check("never seen is active", status("fresh@example.org").get("state") == "active")

        # promotion at 7 without activity
        for i in range(6):
            ctl("ingest", data=dsn("full@example.org", f"full-{i}@x"))
        s = status("full@example.org")
        check("6 soft bounces: still soft", s.get("state") == "soft" and s.get("soft_count") == 6, s)
        ctl("ingest", data=dsn("full@example.org", "full-6@x"))
        check("7th soft bounce promotes", status("full@example.org").get("state") == "hard")

        # promotion at 15 with activity
        ctl("activity", "busy@example.org")
        for i in range(14):
            ctl("ingest", data=dsn("busy@example.org", f"busy-{i}@x"))
        s = status("busy@example.org")
        check("active subscriber: 14 soft bounces stay soft", s.get("state") == "soft" and s.get("threshold") == 15, s)
        ctl("ingest", data=dsn("busy@example.org", "busy-14@x"))
        check("15th promotes an active subscriber", status("busy@example.org").get("state") == "hard")

        # delays and duplicates are not counted
        ctl("ingest", data=dsn("slow@example.org", "slow-1@x", action="delayed", status="4.4.1", diag="451 4.4.1 no answer"))
        s = status("slow@example.org")
        check("delay not counted", s.get("soft_count") == 0 and s.get("state") == "active", s)
        msg = dsn("dup@example.org", "dup-1@x")
        ctl("ingest", data=msg)
        ctl("ingest", data=msg)
        ctl("ingest", data=dsn("dup@example.org", "dup-1@x", nonce="second report"))
        check("same report twice and same message reported again count once", status("dup@example.org").get("soft_count") == 1)
        # A text bounce that quotes the original (no message/rfc822 part): the quoted
        # Message-ID still identifies the message, so two notices about it count once.
        def quoted(rcpt, original_id, notice_id):
            return (f"From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: news@example.com\n"
                    f"Subject: Mail delivery failed: returning message to sender\nMessage-Id: <{notice_id}>\n\n"
                    "This message was created automatically by mail delivery software.\n\n"
                    "A message that you sent could not be delivered to one or more of its\n"
                    "recipients. This is a permanent error. The following address(es) failed:\n\n"
                    f"  {rcpt}\n    host mx.example.org [192.0.2.1]\n"
                    "    SMTP error from remote mail server after end of data:\n    552 5.2.2 Mailbox full\n\n"
                    "------ This is a copy of the message, including all the headers. ------\n\n"
                    f"From: news@example.com\nTo: {rcpt}\nSubject: Weekly\nMessage-ID: <{original_id}>\n\nHello\n").encode()
        ctl("ingest", data=quoted("quoted@example.org", "weekly-1@example.com", "n1@mx.example.net"))
        ctl("ingest", data=quoted("quoted@example.org", "weekly-1@example.com", "n2@mx.example.net"))
        s = status("quoted@example.org")
        check("the same message quoted by two text notices counts once", s.get("soft_count") == 1, s)
        # sender-side reasons recorded, not counted
        ctl("ingest", data=dsn("blk@example.org", "blk-1@x", status="5.7.1", diag="554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"))
        s = status("blk@example.org")
        check("blocked (our IP) is not counted against the address", s.get("soft_count") == 0, s)
        # delivered clears the soft count
        ctl("ingest", data=dsn("back@example.org", "back-1@x"))
        ctl("ingest", data=dsn("back@example.org", "back-2@x", action="delivered", status="2.0.0", diag="250 ok"))
        check("delivered clears the soft count", status("back@example.org").get("soft_count") == 0)

        # an ARF complaint suppresses with reason feedback; an auto-reply is never counted
        arf = (b"From: feedback@fbl.example.net\nTo: abuse@example.com\nSubject: complaint\nMIME-Version: 1.0\n"
               b'Content-Type: multipart/report; report-type=feedback-report; boundary="f"\n\n'
               b"--f\nContent-Type: text/plain\n\nA complaint.\n--f\nContent-Type: message/feedback-report\n\n"
               b"Feedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\nOriginal-Rcpt-To: angry@example.org\n\n"
               b"--f\nContent-Type: text/rfc822-headers\n\nFrom: news@example.com\nTo: angry@example.org\n"
               b"Message-ID: <c1@x>\n\n--f--\n")
        ctl("ingest", data=arf)
        s = status("angry@example.org")
        check("complaint suppresses with reason feedback", s.get("state") == "hard" and s.get("reason") == "feedback", s)
        away = (b"From: holiday@example.org\nTo: news@example.com\nSubject: Out of Office: news\n"
                b"Auto-Submitted: auto-replied\n\nI am away until Monday.\n")
        ctl("ingest", data=away)
        s = status("holiday@example.org")
        check("auto-reply recorded, not counted", s.get("soft_count") == 0 and s.get("state") == "active", s)
        rc, out, _ = ctl("history", "holiday@example.org")
        check("auto-reply kept in history", '"reason":"vacation"' in out, out)
        # not a report at all: stored for review, acknowledged, counted in stats
        rc, _, _ = ctl("ingest", data=b"From: someone@example.net\nSubject: hello\n\nJust a note.\n")
        rc2, out, _ = ctl("stats")
        check("unparsed mail is acknowledged and counted for review", rc == 0 and '"unparsed":1' in out, out)

        # circuit breaker: many addresses of one domain soft-bounce at once
        d.stop()
        d.extra = ["--breaker-addresses", "5", "--breaker-seconds", "600"]
        d.start()
        for i in range(8):
            ctl("ingest", data=dsn(f"u{i}@busy-provider.example", f"cb-{i}@x", status="4.3.0", diag="451 4.3.0 mail server temporarily unavailable"))
        counts = [status(f"u{i}@busy-provider.example").get("soft_count") for i in range(8)]
        check("circuit breaker: the first addresses count", counts[:4] == [1, 1, 1, 1], counts)
        check("circuit breaker: later ones do not count", counts[4:] == [0, 0, 0, 0], counts)
        check("circuit breaker logs a warning", "circuit breaker" in open(f"{tmp}/log").read())
        d.stop()
        d.extra = []
        # the soft-bounce window: old soft bounces stop counting
        db = sqlite3.connect(f"{tmp}/b.db")
        db.execute("UPDATE events SET ts = ts - 200 * 86400 WHERE address = 'dup@example.org'")
        db.commit()
        db.close()
        d.start()
        check("soft bounces older than the window stop counting", status("dup@example.org").get("soft_count") == 0)
        # Read connections keep their snapshot between requests (store/snapshot_gate.h):
        # an edit made outside the daemon still shows within 50 ms, and connections that
        # went idle let go of their snapshots, so a checkpoint is not held back.
        for _ in range(4):
            status("dup@example.org")
        db = sqlite3.connect(f"{tmp}/b.db", timeout=5)
        db.execute("UPDATE addresses SET activity = 1 WHERE address = 'dup@example.org'")
        db.commit()
        time.sleep(0.2)
        seen = [status("dup@example.org").get("activity") for _ in range(4)]
        check("an edit from outside the daemon shows within the snapshot bound", seen == [True] * 4, seen)
        time.sleep(1.5)
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        db.close()
        check("idle read connections hold back no checkpoint", busy == 0, busy)

        # root without --user is refused; the message says what to do
        if os.geteuid() == 0:
            p = subprocess.run([BOUNCED, "--db", f"{tmp}/root.db", "--socket", f"{tmp}/root.sock"],
                               capture_output=True, text=True, timeout=10)
            check("refuses to run as root without --user", p.returncode == 77 and "--user" in p.stderr, p.stderr)
        # a bad option or config line: a clear error naming it, and no start
        p = subprocess.run([BOUNCED, "--no-such-option"], capture_output=True, text=True, timeout=10)
        check("bad option refused, named", p.returncode == 78 and "no-such-option" in p.stderr, p.stderr)
        with open(f"{tmp}/bad.conf", "w") as f:
            f.write("threshold = seven\n")
        p = subprocess.run([BOUNCED, "--config", f"{tmp}/bad.conf"], capture_output=True, text=True, timeout=10)
        check("bad config line refused, named", p.returncode == 78 and "threshold" in p.stderr, p.stderr)

        # garbage and over-long lines get an error reply; the daemon carries on
        def raw(payload):
            sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sk.settimeout(10)
            sk.connect(H.SOCK)
            sk.sendall(payload)
            data = b""
            try:
                while not data.endswith(b"\n"):
                    chunk = sk.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            finally:
                sk.close()
            return data.decode(errors="replace")
        check("garbage gets ERR usage", raw(b"\x00\xffHELLO there\n").startswith("ERR usage"))
        check("an over-long line gets ERR usage", raw(b"STATUS " + b"a" * 70000 + b"\n").startswith("ERR usage"))
        check("a bad INGEST length gets ERR usage", raw(b"INGEST 99999999999\n").startswith("ERR usage"))
        check("the daemon still answers", ctl("ping")[0] == 0)
        # activity in bulk from a file
        imp = f"{tmp}/activity.txt"
        with open(imp, "w") as f:
            f.write("# subscribers who clicked last week\nreader1@example.org\nReader2@Example.ORG\nnot an address\n")
        rc, out, err = ctl("activity", "--import", imp)
        check("activity import records the valid lines", rc == 0 and "2 address(es)" in out and "1 skipped" in out, out + err)
        check("imported activity raises the threshold (domain case folded, local part kept)", status("Reader2@example.org").get("threshold") == 15)

        # restart keeps everything
        d.stop()
        d.start()
        check("restart keeps hard state", status("gone@example.org").get("state") == "hard")
        check("restart keeps soft counts", status("full@example.org").get("state") == "hard" and status("busy@example.org").get("threshold") == 15)

        # SIGHUP with a broken rule keeps the old rules
        rules = f"{tmp}/rules"
        shutil.copytree(os.path.join(SRC, "rules"), rules)
        d.stop()
        d.start(rules=rules)
        with open(f"{rules}/99-broken.toml", "w") as f:
            f.write('[[rule]]\nid = "x"\nreason = "nonsense"\ntext = "("\n')
        d.p.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        ctl("ingest", data=dsn("after-hup@example.org", "hup@x", status="5.1.1", diag="550 5.1.1 user unknown"))
        log = open(f"{tmp}/log").read()
        check("broken rules on SIGHUP are reported with file:line", "99-broken.toml:3" in log, log[-500:])
        check("old rules still in force after a broken reload", status("after-hup@example.org").get("state") == "hard")
        os.remove(f"{rules}/99-broken.toml")

        # a database of a newer schema is refused, not touched
        d.stop()
        newer = f"{tmp}/newer.db"
        shutil.copy(f"{tmp}/b.db", newer)
        db = sqlite3.connect(newer)
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
        p = subprocess.run([BOUNCED, "--db", newer, "--socket", f"{tmp}/n.sock", "--rules", os.path.join(SRC, "rules"), "--allow-root"],
                           capture_output=True, text=True, timeout=20)
        check("newer schema refused with a clear message", p.returncode != 0 and "newer" in p.stderr, p.stderr[-300:])
        d.start(rules=rules)

        # Postfix socketmap lookups answer from the same store
        d.stop()
        d.extra = ["--socketmap", f"{tmp}/map.sock", "--socketmap-defer-remaining", "1"]
        d.start(rules=rules)
        for i in range(6):
            ctl("ingest", data=dsn("near@example.org", f"near-{i}@x"))
        r = socketmap(f"{tmp}/map.sock", "suppressed gone@example.org", "suppressed fresh@example.org",
                      "suppressed-transport gone@example.org", "suppressed example.org",
                      "suppressed near@example.org", "nosuchmap x@example.org")
        check("socketmap rejects a hard address", r[0].startswith("OK REJECT 5.1.1"), r[0])
        check("socketmap: unknown address not found", r[1] == "NOTFOUND ", r[1])
        check("socketmap transport form", r[2].startswith("OK error:5.1.1"), r[2])
        check("socketmap: domain probe not found", r[3] == "NOTFOUND ", r[3])
        check("socketmap defers near the soft limit", r[4].startswith("OK DEFER_IF_PERMIT"), r[4])
        check("socketmap: unknown map is PERM", r[5].startswith("PERM"), r[5])

        # ingest exits 75 with the daemon stopped
        d.stop()
        rc, _, err = ctl("ingest", data=dsn("x@example.org", "x@x"))
        check("ingest exits 75 when the daemon is down", rc == 75, err)
        check("nothing printed that pipe(8) would read as a status", not err.startswith(("4.", "5.")))
        d.start()

        # permissions: a peer without the admin group cannot unsuppress
        if os.geteuid() == 0 and shutil.which("setpriv"):
            d.stop()
            d.extra = ["--socket-group", "daemon", "--socket-mode", "0660", "--ingest-group", "postfix"]
            d.start()
            rc, _, err = ctl("unsuppress", "gone@example.org", user="daemon")
            check("a peer without permission cannot unsuppress", rc != 0 and "denied" in err, err)
            rc, out, _ = ctl("status", "gone@example.org", user="daemon")
            check("the same peer may query", rc == 0 and "hard" in out, out)
            check("still hard after the refused unsuppress", status("gone@example.org").get("state") == "hard")
            rc, _, err = ctl("ingest", data=dsn("x@example.org", "perm@x"), user="daemon")
            check("a peer outside the ingest group cannot ingest (75: the MTA keeps the mail)", rc == 75 and "denied" in err, err)
            rc, _, err = ctl("reload", user="daemon")
            check("a peer without the admin group cannot reload", rc != 0 and "denied" in err, err)
            mode = os.stat(H.SOCK).st_mode & 0o777
            check("socket is not world-accessible", mode & 0o007 == 0, oct(mode))
        else:
            print("SKIP: permission checks need root and setpriv (util-linux)")

        # --client-timeout: an idle connection is closed; one that keeps asking is not
        # (the idle time counts from its last request, not from when it connected)
        d.stop()
        db = sqlite3.connect(f"{tmp}/b.db")
        db.executemany("INSERT INTO addresses(address, state, hard_since, hard_reason, hard_cause) VALUES(?,2,1,'userunknown','hard-bounce')",
                       [(f"bulk-{i:05d}@bulk.example.net",) for i in range(30000)])
        db.commit()
        db.close()
        d.extra = ["--client-timeout", "1"]
        d.start()
        idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        busy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        idle.connect(H.SOCK)
        busy.connect(H.SOCK)
        busy.settimeout(5)
        answered = 0
        t0 = time.time()
        while time.time() - t0 < 2.6:
            busy.sendall(b"PING\n")
            if busy.recv(4096).startswith(b"OK"):
                answered += 1
            time.sleep(0.3)
        check("a connection that keeps asking outlives the idle limit", answered >= 8, answered)
        idle.settimeout(3)
        try:
            closed = idle.recv(16) == b""
        except OSError:
            closed = False
        check("an idle connection is closed after the limit", closed)
        # an answer larger than the socket buffer (an export of 30,000 addresses), to a
        # client that reads it late, arrives whole (written in part at once, the rest
        # as the client reads), and the connection goes on
        big = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        big.connect(H.SOCK)
        big.settimeout(10)
        big.sendall(b"EXPORT hard\n")
        time.sleep(0.4)  # the daemon meanwhile fills the socket and waits
        data = b""
        while not data.endswith(b"\n"):
            chunk = big.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        big.sendall(b"PING\n")
        after = big.recv(4096)
        big.close()
        check("a large answer read late arrives whole", data.startswith(b"OK") and data.count(b"@bulk.example.net") == 30000,
              f"{len(data)} bytes")
        check("the connection still answers after it", after.startswith(b"OK"), after[:80])
        idle.close()
        busy.close()
        d.stop()
        db = sqlite3.connect(f"{tmp}/b.db")
        db.execute("DELETE FROM addresses WHERE address LIKE 'bulk-%@bulk.example.net'")
        db.commit()
        db.close()
        d.extra = []
        d.start()

        # kill -9 during a stream of ingests: acknowledged == stored, none twice
        acked, stop = [], threading.Event()

        def stream(tag):
            i = 0
            while not stop.is_set() and i < 400:
                rc, _, _ = ctl("ingest", data=dsn(f"k{tag}@example.org", f"k-{tag}-{i}@x", status="4.2.2", diag="452 4.2.2 over quota"))
                if rc == 0:
                    acked.append((tag, i))
                i += 1
        ts = [threading.Thread(target=stream, args=(t,)) for t in range(4)]
        for t in ts:
            t.start()
        time.sleep(1.0)
        d.p.send_signal(signal.SIGKILL)
        d.p.wait()
        d.p = None
        time.sleep(0.3)
        d.start()
        time.sleep(0.7)
        stop.set()
        for t in ts:
            t.join()
        d.stop()
        db = sqlite3.connect(f"{tmp}/b.db")
        keys = [r[0] for r in db.execute("SELECT message_key FROM events WHERE address LIKE 'k%@example.org'")]
        stored = set(keys)
        missing = [a for a in acked if f"<k-{a[0]}-{a[1]}@x>" not in stored]
        check("kill -9: every acknowledged ingest is stored", not missing and len(acked) > 0, f"{len(missing)} missing of {len(acked)}")
        check("kill -9: nothing stored twice", len(keys) == len(stored), f"{len(keys)} rows, {len(stored)} distinct")
        check("integrity_check ok", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    finally:
        d.stop() if d.p else None
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"daemon: {H.results['passed']} passed, {H.results['failed']} failed")
    return 1 if H.results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Crash safety: SIGKILL at random moments during a stream of ingests (retrying what
was not acknowledged, as the MTA does), a full disk and a read-only database.
Usage: crash_test.py BUILD_DIR SOURCE_DIR
"""
import os, random, shutil, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bounced_harness import Daemon, ctl, dsn, check, status  # noqa: E402
import bounced_harness as H  # noqa: E402


def kill_storm(tmp):
    d = Daemon(tmp)
    d.start()
    msgs = []
    for i in range(2500):
        rcpt = f"c{i % 40}@example.org"
        if i % 97 == 0:
            msgs.append(dsn(rcpt, f"crash-{i}@x", status="5.1.1", diag="550 5.1.1 user unknown"))
        else:
            msgs.append(dsn(rcpt, f"crash-{i}@x"))
    pending = list(range(len(msgs)))
    lock = threading.Lock()
    acked = []
    done = threading.Event()

    def client():
        while True:
            with lock:
                if not pending:
                    return
                i = pending.pop(0)
            rc, _, _ = ctl("ingest", data=msgs[i])
            with lock:
                if rc == 0:
                    acked.append(i)
                else:  # the MTA keeps it and retries later
                    pending.append(i)
            if rc != 0:
                time.sleep(0.05)

    rng = random.Random(7)

    def killer():
        for _ in range(6):
            time.sleep(rng.uniform(0.2, 0.7))
            if done.is_set():
                return
            d.p.kill()
            d.p.wait()
            d.p = None
            time.sleep(0.1)
            d.start()

    ts = [threading.Thread(target=client) for _ in range(4)]
    k = threading.Thread(target=killer)
    for t in ts + [k]:
        t.start()
    for t in ts:
        t.join(timeout=300)
    done.set()
    k.join()
    check("kill storm: every message acknowledged in the end", sorted(acked) == list(range(len(msgs))), f"{len(acked)} of {len(msgs)}")
    after = {f"c{j}@example.org": status(f"c{j}@example.org") for j in range(40)}
    d.stop()
    db = sqlite3.connect(f"{tmp}/b.db")
    keys = [r[0] for r in db.execute("SELECT message_key FROM events")]
    check("kill storm: each message stored exactly once", len(keys) == len(set(keys)) == len(msgs), f"{len(keys)} rows, {len(set(keys))} distinct")
    check("kill storm: integrity_check ok", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    db.close()
    # The counters equal a replay of exactly those messages on a fresh store.
    replay_dir = tempfile.mkdtemp(prefix="bounced-replay-")
    os.chmod(replay_dir, 0o777)
    r = Daemon(replay_dir)
    r.start()
    for i in acked:
        ctl("ingest", data=msgs[i])
    replay = {a: status(a) for a in after}
    r.stop()
    same = all((after[a]["state"], after[a]["soft_count"]) == (replay[a]["state"], replay[a]["soft_count"]) for a in after)
    check("kill storm: counters equal a replay of the acknowledged messages", same,
          str([(a, after[a]["state"], after[a]["soft_count"], replay[a]["state"], replay[a]["soft_count"]) for a in after if after[a] != replay[a]][:3]))
    shutil.rmtree(replay_dir, ignore_errors=True)


def full_disk(tmp):
    mnt = f"{tmp}/small"
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt], capture_output=True).returncode != 0:
        print("SKIP: full-disk test needs mount (root)")
        return
    try:
        os.chmod(mnt, 0o777)
        d = Daemon(mnt)
        d.start()
        acked, refused = 0, 0
        junk = ("Subject: not a bounce\n\n" + "z" * 200000).encode()
        for i in range(40):
            rc, _, _ = ctl("ingest", data=junk + str(i).encode())
            if rc == 0:
                acked += 1
            elif rc == 75:
                refused += 1
        check("full disk: ingest answers 75 when the disk is full", refused > 0, f"acked {acked}, refused {refused}")
        ok = ctl("ingest", data=dsn("late@example.org", "late@x"))[0]
        check("full disk: ingest still 75 or 0, never anything else", ok in (0, 75), str(ok))
        s = status("fresh@example.org")
        check("full disk: queries keep working", s.get("state") == "active", s)
        d.stop()
        db = sqlite3.connect(f"{mnt}/b.db")
        stored = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        check("full disk: everything acknowledged is stored", stored >= acked, f"stored {stored}, acked {acked}")
        check("full disk: integrity_check ok", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
        db.close()
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


def read_only(tmp):
    """A database the daemon's user cannot write (wrong owner or mode)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("SKIP: read-only test needs root and setpriv")
        return
    d = Daemon(tmp)
    d.start()
    ctl("ingest", data=dsn("ro@example.org", "ro@x", status="5.1.1", diag="550 5.1.1 user unknown"))
    d.stop()
    for f in os.listdir(tmp):
        if f.startswith("b.db"):
            shutil.chown(f"{tmp}/{f}", "root")
            os.chmod(f"{tmp}/{f}", 0o444)
    d2 = Daemon(tmp, as_user="nobody")
    d2.start()
    rc, _, err = ctl("ingest", data=dsn("ro2@example.org", "ro2@x"))
    check("read-only database: ingest answers 75", rc == 75, f"{rc} {err}")
    check("read-only database: queries keep working", status("ro@example.org").get("state") == "hard")
    d2.stop()


def main():
    for name, fn in (("kill", kill_storm), ("disk", full_disk), ("ro", read_only)):
        tmp = tempfile.mkdtemp(prefix=f"bounced-{name}-")
        os.chmod(tmp, 0o777)
        try:
            fn(tmp)
        except Exception as e:  # a broken harness is a failure, not a pass
            check(f"{name}: ran", False, repr(e))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"crash: {H.results['passed']} passed, {H.results['failed']} failed")
    return 1 if H.results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

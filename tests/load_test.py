#!/usr/bin/env python3
"""Load: 64 concurrent clients mixing ingests and status queries for several minutes
(150 s by default; $BOUNCED_LOAD_SECONDS changes it): no error replies, no memory growth
after warm-up, no connection left open.
Usage: load_test.py BUILD_DIR SOURCE_DIR
"""
import os, random, shutil, socket, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bounced_harness import Daemon, dsn, check  # noqa: E402
import bounced_harness as H  # noqa: E402


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def request(sock_path, line, payload=b""):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sock_path)
    s.sendall(line.encode() + b"\n" + payload)
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode(errors="replace")


def main():
    seconds = float(os.environ.get("BOUNCED_LOAD_SECONDS", "150"))
    tmp = tempfile.mkdtemp(prefix="bounced-load-")
    os.chmod(tmp, 0o777)
    d = Daemon(tmp, extra=["--log-level", "warn"])
    try:
        d.start()
        pid = d.p.pid
        base_fds = fds(pid)
        stop = threading.Event()
        errors, ops = [], [0]
        lock = threading.Lock()

        def client(k):
            rng = random.Random(k)
            n = 0
            while not stop.is_set():
                n += 1
                if rng.random() < 0.3:
                    msg = dsn(f"load{rng.randrange(5000)}@example{rng.randrange(50)}.org", f"load-{k}-{n}@x")
                    reply = request(H.SOCK, f"INGEST {len(msg)}", msg)
                else:
                    addrs = " ".join(f"load{rng.randrange(5000)}@example{rng.randrange(50)}.org" for _ in range(rng.randrange(1, 20)))
                    reply = request(H.SOCK, f"STATUS {addrs}")
                with lock:
                    ops[0] += 1
                    if not reply.startswith("OK"):
                        errors.append(reply[:200])

        ts = [threading.Thread(target=client, args=(k,)) for k in range(64)]
        for t in ts:
            t.start()
        time.sleep(min(5, seconds / 4))
        warm = rss_kb(pid)
        peak = warm
        end = time.time() + seconds
        while time.time() < end:
            time.sleep(1)
            peak = max(peak, rss_kb(pid))
        stop.set()
        for t in ts:
            t.join(timeout=60)
        time.sleep(0.5)
        check("load: no error replies", not errors, f"{len(errors)} errors, e.g. {errors[:2]}")
        check("load: work was done", ops[0] > 1000, str(ops[0]))
        check("load: memory flat after warm-up (growth under 32 MB)", peak - warm < 32 * 1024, f"warm {warm} kB, peak {peak} kB")
        check("load: no connection left open", fds(pid) <= base_fds + 1, f"{fds(pid)} fds, {base_fds} at start")
        print(f"load: {ops[0]} requests from 64 clients in {seconds:.0f}s; RSS {warm} -> {peak} kB")
        d.stop()
    finally:
        if d.p:
            d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load: {H.results['passed']} passed, {H.results['failed']} failed")
    return 1 if H.results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Shared pieces of the daemon tests: a bounced on a temporary folder, bouncectl calls,
generated delivery reports, and pass/fail counting."""
import json, os, signal, socket, subprocess, sys, time

BUILD, SRC = sys.argv[1], sys.argv[2]
BOUNCED = os.path.join(BUILD, "bounced")
CTL = os.path.join(BUILD, "bouncectl")
results = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAIL: {name} {detail}")


def dsn(rcpt, msgid, action="failed", status="5.2.2", diag="552 5.2.2 mailbox full", nonce=""):
    return (
        "From: MAILER-DAEMON@mx.example.net\n"
        "To: bounces@example.com\n"
        f"Subject: Delivery Status Notification {nonce}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nDelivery to the following recipient failed.\n\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        f"Final-Recipient: rfc822; {rcpt}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diag}\n\n"
        "--b\nContent-Type: text/rfc822-headers\n\n"
        f"From: news@example.com\nTo: {rcpt}\nMessage-ID: <{msgid}>\nSubject: news\n\n--b--\n"
    ).encode()


class Daemon:
    def __init__(self, d, extra=(), run=None, as_user=None):
        # d holds the database; run (default d) the socket and the log; as_user starts
        # bounced as that user from the beginning (root only) instead of --user
        self.d, self.extra, self.p, self.run, self.as_user = d, list(extra), None, run or d, as_user

    def start(self, rules=None):
        set_socket(f"{self.run}/b.sock")
        args = [BOUNCED, "--db", f"{self.d}/b.db", "--socket", f"{self.run}/b.sock",
                "--rules", rules or os.path.join(SRC, "rules")] + self.extra
        if self.as_user:
            args = ["setpriv", f"--reuid={self.as_user}", "--regid=nogroup" if self.as_user == "nobody" else f"--regid={self.as_user}", "--init-groups"] + args
        elif os.geteuid() == 0:
            args += ["--user", "nobody"]
        self.log = open(f"{self.run}/log", "a")
        self.p = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        for _ in range(100):
            if ctl("ping")[0] == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("daemon did not start: " + open(f"{self.run}/log").read()[-2000:])

    def stop(self, sig=signal.SIGTERM):
        if self.p:
            self.p.send_signal(sig)
            self.p.wait(timeout=20)
            self.p = None


SOCK = None


def set_socket(path):
    global SOCK
    SOCK = path


def ctl(*args, data=None, user=None):
    cmd = [CTL, args[0], "--socket", SOCK] + list(args[1:])
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"] + cmd
    p = subprocess.run(cmd, input=data, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def socketmap(path, *requests):
    """Sends netstring requests to the socketmap socket; returns the reply payloads."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    out = []
    for r in requests:
        b = r.encode()
        s.sendall(str(len(b)).encode() + b":" + b + b",")
        data = b""
        while True:
            data += s.recv(4096)
            if b":" in data:
                n, rest = data.split(b":", 1)
                if len(rest) >= int(n) + 1:
                    out.append(rest[: int(n)].decode())
                    break
    s.close()
    return out


def status(addr):
    rc, out, err = ctl("status", "--json", addr)
    if rc != 0:
        return {"error": err}
    return json.loads(out.splitlines()[0])



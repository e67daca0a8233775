#!/usr/bin/env python3
"""End-to-end: a real Postfix generates bounces, pipes them into bounced, and then
refuses mail to suppressed addresses by asking bounced (socketmap).

Runs a private Postfix instance (own config, queue and mail folders, loopback only,
port 2525, non-chrooted) with the snippets of postfix/*.snippet, the same ones the
README shows. Needs root (Postfix's master runs as root) and Debian's postfix
package, which it installs when missing. Prints SKIP with the reason otherwise.
Usage: postfix_e2e.py BUILD_DIR SOURCE_DIR
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time

BUILD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
CTL, BOUNCED = f"{BUILD}/bouncectl", f"{BUILD}/bounced"
res = {"passed": 0, "failed": 0}
HOST = "mx.test.invalid"


def check(name, cond, detail=""):
    res["passed" if cond else "failed"] += 1
    if not cond:
        print(f"FAIL: {name} {detail}")


def sh(*cmd, check_rc=True, **kw):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=120, **kw)
    if check_rc and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {p.returncode}: {p.stderr[-800:]}")
    return p


def ensure_postfix():
    if os.geteuid() != 0:
        print("SKIP: the Postfix end-to-end test needs root (Postfix's master runs as root)")
        return False
    if not shutil.which("postfix") and not os.path.exists("/usr/sbin/postfix"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        p = subprocess.run(["apt-get", "install", "-y", "-q", "postfix"], capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print("SKIP: postfix is not installed and apt-get could not install it:\n" + p.stderr[-500:])
            return False
    return True


def fill(text, values):
    for k, v in values.items():
        text = text.replace("@" + k + "@", v)
    return text


def main():
    if not ensure_postfix():
        print("postfix-e2e: 0 passed, 0 failed, 1 skipped")
        return 0
    T = tempfile.mkdtemp(prefix="bounced-postfix-")
    os.chmod(T, 0o755)
    etc, spool, data, mail, state = (f"{T}/{d}" for d in ("etc", "spool", "data", "mail", "state"))
    for d in (etc, spool, data, state):
        os.makedirs(d)
    os.makedirs(mail)
    os.chmod(mail, 0o1777)
    shutil.chown(state, "nobody")
    shutil.chown(data, "postfix")
    sock, smap = f"{state}/bounced.sock", f"{state}/socketmap.sock"
    values = {"CONFIG_DIR": etc, "SOCKETMAP": smap, "SOCKET": sock, "BOUNCECTL": CTL,
              "PIPE_USER": "nobody", "BOUNCE_ADDRESS": f"bounces@{HOST}"}
    for f in ("dynamicmaps.cf", "postfix-files"):
        if os.path.exists(f"/etc/postfix/{f}"):
            shutil.copy(f"/etc/postfix/{f}", etc)
    for d in ("dynamicmaps.cf.d", "postfix-files.d"):
        if os.path.isdir(f"/etc/postfix/{d}"):
            shutil.copytree(f"/etc/postfix/{d}", f"{etc}/{d}")
    main_cf = f"""
compatibility_level = 3.6
config_directory = {etc}
queue_directory = {spool}
data_directory = {data}
mail_spool_directory = {mail}
maillog_file = {T}/maillog
maillog_file_prefixes = {T}
myhostname = {HOST}
mydomain = test.invalid
myorigin = $myhostname
mydestination = $myhostname, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps = unix:passwd.byname
mailbox_size_limit = 30000
message_size_limit = 20000
biff = no
smtp_host_lookup = native
disable_dns_lookups = yes
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 1s
bounce_queue_lifetime = 1h
maximal_queue_lifetime = 1h
smtputf8_enable = no
"""
    main_cf += fill(open(f"{SRC}/postfix/main.cf.snippet").read(), values)
    # delays: a host that never answers
    main_cf = main_cf.replace(f"hash:{etc}/bounced_transport", f"hash:{etc}/bounced_transport, hash:{etc}/test_transport")
    open(f"{etc}/main.cf", "w").write(main_cf)
    master = open("/etc/postfix/master.cf").read()
    lines = []
    for line in master.splitlines():
        parts = line.split()
        if parts and not line.startswith((" ", "\t", "#")) and len(parts) >= 8:
            if parts[0] == "smtp" and parts[1] == "inet":
                parts[0] = "127.0.0.1:2525"
            parts[4] = "n"  # no chroot: the socketmap socket lives outside the queue
            line = " ".join(parts)
        lines.append(line)
    lines.append(fill(open(f"{SRC}/postfix/master.cf.snippet").read(), values))
    open(f"{etc}/master.cf", "w").write("\n".join(lines) + "\n")
    open(f"{etc}/bounced_transport", "w").write(fill(open(f"{SRC}/postfix/bounced_transport.snippet").read(), values))
    open(f"{etc}/test_transport", "w").write("unreachable.test.invalid smtp:[127.0.0.1]:9\n")
    env = dict(os.environ, MAIL_CONFIG=etc)
    daemon = None
    try:
        sh("postmap", f"{etc}/bounced_transport", env=env)
        sh("postmap", f"{etc}/test_transport", env=env)
        sh("postfix", "-c", etc, "check", env=env, check_rc=False)

        def start_bounced():
            p = subprocess.Popen([BOUNCED, "--db", f"{state}/b.db", "--socket", sock, "--socketmap", smap,
                                  "--rules", f"{SRC}/rules", "--user", "nobody", "--socketmap-group", "postfix"],
                                 stdout=open(f"{T}/bounced.log", "a"), stderr=subprocess.STDOUT)
            for _ in range(100):
                if os.path.exists(smap) and subprocess.run([CTL, "ping", "--socket", sock], capture_output=True).returncode == 0:
                    return p
                time.sleep(0.05)
            raise RuntimeError("bounced did not start")

        daemon = start_bounced()
        sh("postfix", "-c", etc, "start", env=env)

        def send(rcpt, sender, body="hello", size=0):
            msg = f"From: {sender}\nTo: {rcpt}\nSubject: test\n\n{body}\n" + ("x" * 70 + "\n") * (size // 71)
            sh("/usr/sbin/sendmail", "-C", etc, "-f", sender, rcpt, input=msg, env=env)

        def status(addr):
            p = subprocess.run([CTL, "status", "--json", "--socket", sock, addr], capture_output=True, text=True)
            return json.loads(p.stdout.splitlines()[0]) if p.returncode == 0 and p.stdout else {}

        def wait_for(pred, seconds=30):
            end = time.time() + seconds
            while time.time() < end:
                if pred():
                    return True
                subprocess.run(["postqueue", "-c", etc, "-f"], capture_output=True, env=env)
                time.sleep(0.5)
            return False

        verp = lambda a: "bounces+" + a.replace("@", "=") + "@" + HOST
        # 1. unknown local user: Postfix bounces, bounced gets it, the address is hard
        dead = f"nosuchuser@{HOST}"
        send(dead, verp(dead))
        check("1. unknown user becomes hard via Postfix's own bounce",
              wait_for(lambda: status(dead).get("state") == "hard"), status(dead))
        check("1. reason userunknown", status(dead).get("reason") == "userunknown", status(dead))

        # 2. mailbox full: promoted only at the 7th bounce
        full = f"nobody@{HOST}"
        for _ in range(2):
            send(full, f"sender@{HOST}", size=14000)
        time.sleep(2)
        counts = []
        for i in range(7):
            send(full, verp(full), size=14000)
            wait_for(lambda: status(full).get("soft_count", 0) >= i + 1 or status(full).get("state") == "hard", 20)
            counts.append((status(full).get("state"), status(full).get("soft_count")))
        check("2. mailbox full is soft until the 6th", all(s == "soft" for s, _ in counts[:6]), counts)
        check("2. the 7th mailbox-full bounce promotes to hard", counts[6][0] == "hard", counts)

        # 3. a delay warning is recorded, not counted
        slow = "someone@unreachable.test.invalid"
        send(slow, verp(slow))
        recorded = wait_for(lambda: subprocess.run([CTL, "history", "--socket", sock, slow], capture_output=True, text=True).stdout.count('"action":"delayed"') > 0, 40)
        check("3. delay warning recorded", recorded)
        check("3. delay warning not counted", status(slow).get("soft_count") == 0 and status(slow).get("state") == "active", status(slow))

        # 4. bounced down while bounces arrive: Postfix defers, nothing lost, counted once
        daemon.terminate()
        daemon.wait()
        daemon = None
        gone = [f"gone{i}@{HOST}" for i in range(3)]
        for a in gone:
            send(a, verp(a))
        time.sleep(3)
        q = sh("postqueue", "-c", etc, "-p", env=env, check_rc=False).stdout
        check("4. Postfix keeps the bounces while bounced is down", "bounces+" in q or "Mail queue is empty" not in q, q[-300:])
        daemon = start_bounced()
        check("4. all bounces arrive after bounced is back",
              wait_for(lambda: all(status(a).get("state") == "hard" for a in gone), 40), [status(a) for a in gone])
        # (while bounced was down, the transport_maps lookup answered TEMP, so Postfix
        # also deferred the originals and may have sent delay warnings: recorded, not failures)
        hist = [subprocess.run([CTL, "history", "--socket", sock, a], capture_output=True, text=True).stdout.count('"action":"failed"') for a in gone]
        check("4. each failure recorded exactly once", hist == [1, 1, 1], hist)

        # 5. Postfix refuses mail to the hard address by asking bounced
        s = socket.create_connection(("127.0.0.1", 2525), timeout=10)
        f = s.makefile("rwb")
        def cmd(line):
            f.write(line.encode() + b"\r\n"); f.flush()
            reply = b""
            while True:
                l = f.readline()
                reply += l
                if len(l) < 4 or l[3:4] != b"-":
                    return reply.decode()
        f.readline()
        cmd("EHLO client.test.invalid")
        cmd(f"MAIL FROM:<sender@{HOST}>")
        r = cmd(f"RCPT TO:<{dead}>")
        cmd("QUIT")
        s.close()
        check("5. SMTP: RCPT to a suppressed address is refused with 5.1.1", r.startswith("550") or r.startswith("554"), r)
        check("5. SMTP refusal names bounced", "bounced" in r, r)
        before = open(f"{T}/maillog").read() if os.path.exists(f"{T}/maillog") else ""
        send(dead, f"sender@{HOST}")
        def refused():
            log = open(f"{T}/maillog").read() if os.path.exists(f"{T}/maillog") else ""
            return "suppressed by bounced" in log[len(before):]
        check("5. sendmail(1): Postfix itself refuses to deliver to the suppressed address", wait_for(refused, 20))
    except Exception as e:
        check("setup", False, str(e))
    finally:
        subprocess.run(["postfix", "-c", etc, "stop"], capture_output=True, env=env)
        if daemon:
            daemon.terminate()
            daemon.wait()
        if res["failed"]:
            for f in ("maillog", "bounced.log"):
                if os.path.exists(f"{T}/{f}"):
                    print(f"--- {f} (tail)\n" + open(f"{T}/{f}").read()[-3000:])
        shutil.rmtree(T, ignore_errors=True)
    print(f"postfix-e2e: {res['passed']} passed, {res['failed']} failed")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The client-side load balancing of docs/deployment.md, against two live
servers. Usage: round_robin_test.py BIN_DIR SOURCE_DIR

The service config is read from docs/deployment.md (its ```json block) and
must equal the ones in the C++ and Python snippets there. Two regserve-server
processes stand for two pods behind the headless Service (the ipv4: resolver
stands for DNS, which would return their two addresses). Checks:

- without a service config (pick_first, what a plain channel does) every
  call goes to one server: the pinning a ClusterIP causes;
- with it, calls alternate between the servers (round_robin);
- after SIGTERM to one server (--drain_seconds=10) no call fails and none
  reaches it while it drains, once the channel's health watch has seen
  NOT_SERVING (awaited as an event);
- after it has exited, calls still succeed on the other.

Needs Debian's python3-grpcio (skips, exit 0, without it).
"""
import ast
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import grpc
except ImportError:
    print("skip: no grpc module (Debian's python3-grpcio)")
    sys.exit(0)

METHOD = "/regserve.v1.PredictionService/ListModels"
# How long the stopped server keeps answering while NOT_SERVING: far longer
# than its clients take to hear of it.
DRAIN_SECONDS = 10
# Bounds waits for events that take milliseconds: only a hang reaches it.
HANG_SECONDS = 60
failures = []


def wait_until(condition, seconds=HANG_SECONDS):
    """Polls condition() until it is true (True) or `seconds` pass (False)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def documented_service_configs(path):
    with open(path) as f:
        text = f.read()
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    cpp = re.search(r'SetServiceConfigJSON\(R"json\((.*?)\)json"\)', text,
                    re.S).group(1)
    python = re.search(r"SERVICE_CONFIG = (\{.*?\n\})", text, re.S).group(1)
    return json.loads(block), json.loads(cpp), ast.literal_eval(python)


class Server:
    def __init__(self, bin_dir, src, work, name):
        self.port_file = os.path.join(work, name + ".ports")
        self.log = open(os.path.join(work, name + ".log"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(bin_dir, "regserve-server"), "--port=0",
             "--metrics_port=-1", "--http_port=0", "--threads=1",
             f"--drain_seconds={DRAIN_SECONDS}", "--shutdown_grace_seconds=2",
             "--model_poll_seconds=0",
             "--model_repository=" + os.path.join(src, "models"),
             "--port_file=" + self.port_file],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: os.path.exists(self.port_file) or
                   self.proc.poll() is not None)
        if self.proc.poll() is not None:
            raise RuntimeError(f"{name} exited at start")
        with open(self.port_file) as f:
            lines = f.read().split()
        self.port, self.metrics_port = int(lines[0]), int(lines[1])

    def handled(self):
        """ListModels calls this server answered OK, from its /metrics."""
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=HANG_SECONDS) as r:
            text = r.read().decode()
        total = 0.0
        for line in text.splitlines():
            if line.startswith("grpc_server_handled_total{") and \
                    'grpc_method="ListModels"' in line and \
                    'grpc_code="OK"' in line:
                total += float(line.rsplit(" ", 1)[1])
        return int(total)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def calls(channel, n):
    """n ListModels calls; returns how many failed."""
    call = channel.unary_unary(METHOD)
    failed = 0
    for _ in range(n):
        try:
            call(b"", timeout=HANG_SECONDS)
        except grpc.RpcError as e:
            print(f"     call failed: {e.code()} {e.details()}")
            failed += 1
    return failed


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    bin_dir, src = argv[1], argv[2]
    block, cpp, python = documented_service_configs(
        os.path.join(src, "docs", "deployment.md"))
    check(block == cpp == python,
          "the C++ and Python snippets use the documented service config")
    config = block
    with tempfile.TemporaryDirectory() as work:
        a = Server(bin_dir, src, work, "a")
        b = Server(bin_dir, src, work, "b")
        try:
            target = f"ipv4:127.0.0.1:{a.port},127.0.0.1:{b.port}"

            plain = grpc.insecure_channel(target)
            before = (a.handled(), b.handled())
            failed = calls(plain, 20)
            after = (a.handled(), b.handled())
            plain.close()
            deltas = sorted(x - y for x, y in zip(after, before))
            check(failed == 0 and deltas == [0, 20],
                  f"a plain channel sends every call to one server "
                  f"({deltas})")

            channel = grpc.insecure_channel(target, options=[
                ("grpc.service_config", json.dumps(config))])
            grpc.channel_ready_future(channel).result(timeout=HANG_SECONDS)

            def both_ready():
                before = (a.handled(), b.handled())
                calls(channel, 4)
                after = (a.handled(), b.handled())
                return all(x > y for x, y in zip(after, before))
            check(wait_until(both_ready), "both servers become READY")
            before = (a.handled(), b.handled())
            failed = calls(channel, 20)
            after = (a.handled(), b.handled())
            deltas = [x - y for x, y in zip(after, before)]
            check(failed == 0 and min(deltas) >= 8,
                  f"round_robin spreads 20 calls over both servers "
                  f"({deltas})")

            b.proc.send_signal(signal.SIGTERM)
            # Its health turns NOT_SERVING at once and the channel's health
            # watch hears of it: wait for that event (a batch of calls that
            # all reach a), not for a span of time. It drains for
            # DRAIN_SECONDS, far longer than the event takes.

            def only_a_answers():
                a_before, b_before = a.handled(), b.handled()
                calls(channel, 4)
                return a.handled() - a_before == 4 and b.handled() == b_before
            check(wait_until(only_a_answers),
                  "the client stops using the draining server")
            b_draining = b.handled()
            a_before = a.handled()
            failed = calls(channel, 20)
            check(failed == 0, "no call fails while one server drains")
            check(b.handled() == b_draining and
                  a.handled() - a_before == 20,
                  "no call reaches the draining server "
                  f"(a +{a.handled() - a_before}, "
                  f"b +{b.handled() - b_draining})")
            rc = b.proc.wait(timeout=HANG_SECONDS)
            check(rc == 0, f"the drained server exits 0 ({rc})")
            check(calls(channel, 10) == 0,
                  "calls succeed on the remaining server")
            channel.close()
        finally:
            a.stop()
            b.stop()
    print(f"round robin: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

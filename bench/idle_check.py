#!/usr/bin/env python3
"""Starts regserve-server on the default model, measures the wall time from
spawn until health answers SERVING (polling with regserve-cli), then the
resident memory once idle. Prints one JSON line. Usage: idle_check.py BIN"""
import json
import os
import subprocess
import sys
import tempfile
import time

bin_dir = sys.argv[1]
with tempfile.TemporaryDirectory() as work:
    port_file = os.path.join(work, "port")
    start = time.monotonic()
    server = subprocess.Popen(
        [f"{bin_dir}/regserve-server", "--port=0", "--metrics_port=0", "--http_port=0",
         "--threads=1", f"--port_file={port_file}", "--model_repository=models"],
        stderr=subprocess.DEVNULL)
    try:
        ready_ms = None
        while time.monotonic() - start < 10:
            if os.path.exists(port_file):
                port = open(port_file).readline().strip()
                health = subprocess.run(
                    [f"{bin_dir}/regserve-cli", f"--target=127.0.0.1:{port}", "health"],
                    capture_output=True, text=True)
                if health.returncode == 0:
                    ready_ms = (time.monotonic() - start) * 1000
                    break
            time.sleep(0.005)
        time.sleep(1)
        rss_kb = next(int(line.split()[1]) for line in open(f"/proc/{server.pid}/status")
                      if line.startswith("VmRSS:"))
    finally:
        server.terminate()
        server.wait()
print(json.dumps({"label": "idle", "server": "regserve", "ready_ms": ready_ms,
                  "rss_mb": rss_kb / 1024}))

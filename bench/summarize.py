#!/usr/bin/env python3
"""Aggregates run_bench.sh results (one JSON object per line) into medians.

  summarize.py max FILE LABEL SERVER      -> median calls/s of that point
  summarize.py report FILE OUTDIR MACHINE -> OUTDIR/summary.md, latency.dat
"""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def median(rows, label, server, key):
    values = [key(r) for r in rows if r.get("label") == label and r.get("server") == server]
    return statistics.median(values) if values else None


def calls(r):
    return r["calls_per_s"]


def rows_per_s(r):
    return r["rows_per_s"]


def p(q):
    return lambda r: r["latency_us"][q]


def fmt(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"


def cpu_per_call(r):
    return r.get("server_cpu_us_per_call")


def cpu_util(r):
    return r.get("server_cpu_util")


def closed_loop_table(rows, concurrencies):
    out = ["| Predict, closed loop | baseline calls/s | regserve calls/s | regserve / baseline | baseline p99 µs | regserve p99 µs | server CPU µs/call, baseline / regserve | server core busy, baseline / regserve |",
           "|---|---|---|---|---|---|---|---|"]
    for c in concurrencies:
        label = f"predict c={c}"
        b, s = median(rows, label, "baseline", calls), median(rows, label, "regserve", calls)
        out.append(f"| {c} in flight | {fmt(b)} | {fmt(s)} | {ratio(s, b)} | "
                   f"{fmt(median(rows, label, 'baseline', p('p99')))} | "
                   f"{fmt(median(rows, label, 'regserve', p('p99')))} | "
                   f"{fmt(median(rows, label, 'baseline', cpu_per_call), 1)} / "
                   f"{fmt(median(rows, label, 'regserve', cpu_per_call), 1)} | "
                   f"{fmt(100 * (median(rows, label, 'baseline', cpu_util) or 0))}% / "
                   f"{fmt(100 * (median(rows, label, 'regserve', cpu_util) or 0))}% |")
    return out


def open_loop_table(rows, loads):
    out = ["| Predict, open loop (share of each server's max) | baseline calls/s | baseline p50 / p99 µs | regserve calls/s | regserve p50 / p99 µs |",
           "|---|---|---|---|---|"]
    for f in loads:
        label = f"predict open {f}"
        cells = []
        for server in ("baseline", "regserve"):
            cells.append(fmt(median(rows, label, server, calls)))
            cells.append(f"{fmt(median(rows, label, server, p('p50')))} / "
                         f"{fmt(median(rows, label, server, p('p99')))}")
        out.append(f"| {float(f):.0%} | " + " | ".join(cells) + " |")
    return out


def batch_table(rows, sizes):
    out = ["| BatchPredict, table | calls/s | rows/s | p99 µs |", "|---|---|---|---|"]
    for b in sizes:
        label = f"batch table {b}"
        out.append(f"| {b} rows | {fmt(median(rows, label, 'regserve', calls))} | "
                   f"{fmt(median(rows, label, 'regserve', rows_per_s))} | "
                   f"{fmt(median(rows, label, 'regserve', p('p99')))} |")
    return out


def metrics_table(rows, c):
    off = median(rows, f"predict c={c} metrics off", "regserve", calls)
    on = median(rows, f"predict c={c} metrics on", "regserve", calls)
    return ["| Predict c=%s | calls/s |" % c, "|---|---|",
            f"| metrics off | {fmt(off)} |", f"| metrics on | {fmt(on)} |",
            f"| on / off | {ratio(on, off)} |"]


def idle_table(rows):
    idle = [r for r in rows if r.get("label") == "idle"]
    if not idle:
        return []
    r = idle[-1]
    return ["| idle server, default model | value |", "|---|---|",
            f"| resident memory | {r['rss_mb']:.1f} MB |",
            f"| start to health SERVING | {r['ready_ms']:.0f} ms |"]


def latency_dat(rows, loads, path):
    with open(path, "w") as f:
        for server in ("baseline", "regserve"):
            f.write(f"# {server}: calls/s p50_us p99_us\n")
            for load in loads:
                label = f"predict open {load}"
                values = [median(rows, label, server, k) for k in (calls, p("p50"), p("p99"))]
                if None not in values:
                    f.write("%f %f %f\n" % tuple(values))
            f.write("\n\n")


def report(path, outdir, machine):
    rows = load(path)
    labels = {r.get("label", "") for r in rows}
    conc = sorted({int(l.split("=")[1]) for l in labels
                   if l.startswith("predict c=") and l.count(" ") == 1})
    loads = sorted({l.split()[-1] for l in labels if l.startswith("predict open")})
    sizes = sorted({int(l.split()[-1]) for l in labels if l.startswith("batch table")})
    lines = [f"Machine: {machine}. Server pinned to CPU 0, load generator to CPU 1; medians.", ""]
    for table in (closed_loop_table(rows, conc), open_loop_table(rows, loads),
                  batch_table(rows, sizes), metrics_table(rows, conc[-1] if conc else 64),
                  idle_table(rows)):
        lines += table + [""]
    with open(f"{outdir}/summary.md", "w") as f:
        f.write("\n".join(lines))
    latency_dat(rows, loads, f"{outdir}/latency.dat")


if __name__ == "__main__":
    if sys.argv[1] == "max":
        print(int(median(load(sys.argv[2]), sys.argv[3], sys.argv[4], calls) or 1000))
    else:
        report(sys.argv[2], sys.argv[3], sys.argv[4])

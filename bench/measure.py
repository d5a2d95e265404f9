"""What the benchmark reads and runs: oha, the server's /metrics, and the server process's CPU time
and memory in /proc. Standard library only; used by bench.py."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def oha_binary():
    """The oha load generator, installed with `cargo install oha --locked` if missing."""
    def found():
        path = shutil.which("oha") or pathlib.Path.home() / ".cargo" / "bin" / "oha"
        return str(path) if pathlib.Path(path).exists() else None

    if not found():
        log("installing oha (cargo install oha --locked)")
        subprocess.run(["cargo", "install", "oha", "--locked"], check=True)
    return found()


def run_oha(oha, urls, connections, duration, work, headers=(), compressed=False):
    """Drives the URLs (one, or many picked at random per request) for `duration`; oha's JSON report.
    Without `compressed` no Accept-Encoding is sent (as wrk, with which issue 13's figures were
    taken); with it, oha asks for gzip and brotli as browsers do, and the server compresses."""
    command = [oha, "--no-tui", "--output-format", "json", "-z", duration, "-c", str(connections)]
    if not compressed:
        command.append("--disable-compression")
    for header in headers:
        command += ["-H", header]
    if len(urls) == 1:
        command.append(urls[0])
    else:
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n")
        command += ["--urls-from-file", str(url_file)]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(finished.stdout)


class Metrics:
    """The counters of one /metrics scrape the benchmark uses."""

    def __init__(self, text):
        self.statements = self.requests = self.failed = 0.0
        self.allocator = "unknown"
        for line in text.splitlines():
            if line.startswith("nap_sql_statements_total"):
                self.statements = float(line.split()[-1])
            elif line.startswith("nap_graphql_requests_total{"):
                value = float(line.split()[-1])
                self.requests += value
                if 'outcome="ok"' not in line and 'outcome="cached"' not in line:
                    self.failed += value
            elif line.startswith("nap_build_info{"):
                found = re.search(r'allocator="([^"]*)"', line)
                if found:
                    self.allocator = found.group(1)


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return Metrics(response.read().decode())


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far (/proc/<pid>/stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
        fields = stat.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / CLOCK_TICKS


def reset_peak(pid):
    """Starts a new peak RSS (VmHWM) for the next row (Linux: clear_refs 5)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError as error:
        log(f"cannot reset the peak RSS, rows show the peak since start: {error}")


def status_mb(pid, *names):
    """Memory figures of `/proc/<pid>/status` (kB there), in MB, in the order named."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in names:
                values[name] = int(rest.split()[0]) / 1024
    return tuple(values.get(name, 0.0) for name in names)


def resident_parts(pid):
    """The resident set split, MB: anonymous (the heap and stacks) and file-backed (the binary's
    pages), so that a high RSS says which of them grew."""
    return status_mb(pid, "RssAnon", "RssFile")


def memory(pid):
    """Peak (since the last reset) and current resident set size, MB."""
    return status_mb(pid, "VmHWM", "VmRSS")


class Sample:
    """What the server had done at one moment: its counters and its CPU time."""

    def __init__(self, port, pid):
        self.metrics = metrics(port)
        self.cpu = cpu_seconds(pid)


def row(name, connections, report, pid, before, after, extra=""):
    """One table row from oha's report and the server's samples before and after it."""
    summary = report["summary"]
    percentiles = report.get("latencyPercentiles", {})
    codes = report.get("statusCodeDistribution", {})
    bad = sum(n for code, n in codes.items() if not code.startswith(("2", "3")))
    # oha cuts the requests still in flight when the duration ends: not the server's errors.
    client_errors = {kind: n for kind, n in report.get("errorDistribution", {}).items()
                     if kind != "aborted due to deadline"}
    bad += sum(client_errors.values())
    # GraphQL errors come with status 200: count the requests the server itself saw fail.
    server_failed = int(after.metrics.failed - before.metrics.failed)
    bad += server_failed
    if client_errors or server_failed:
        kinds = "; ".join(f"{n} {kind}" for kind, n in client_errors.items())
        extra = "; ".join(part for part in (extra, f"errors: {kinds}" if kinds else "",
                                            f"{server_failed} failed on the server" if server_failed else "") if part)
    total = sum(codes.values()) or 1
    statements = after.metrics.statements - before.metrics.statements
    handled = after.metrics.requests - before.metrics.requests
    peak, rss = memory(pid)  # peak since reset_peak before the row
    return {
        "query": name, "connections": connections,
        "rps": summary.get("requestsPerSec", 0.0),
        "p50_ms": (percentiles.get("p50") or 0) * 1000, "p99_ms": (percentiles.get("p99") or 0) * 1000,
        "errors": bad, "requests": total, "peak_rss_mb": peak, "rss_mb": rss,
        "sql_per_request": statements / handled if handled else 0.0,
        "cpu_ms_per_request": (after.cpu - before.cpu) * 1000 / handled if handled else 0.0,
        "extra": extra,
    }


def table(rows):
    lines = ["| query | conns | req/s | p50 ms | p99 ms | CPU ms/req | errors | peak RSS MB | end RSS MB | SQL/req "
             "| notes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['query']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
                     f"{r['cpu_ms_per_request']:.3f} | {r['errors']} / {r['requests']} | {r['peak_rss_mb']:.1f} | "
                     f"{r['rss_mb']:.1f} | {r['sql_per_request']:.3f} | {r['extra']} |")
    return "\n".join(lines)

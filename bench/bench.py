#!/usr/bin/env python3
"""The NAP 1325 Registry read-path benchmark.

Builds the release binary, loads the synthetic dataset of the named size into a fresh database
(PostgreSQL and/or SQLite), starts the server, and drives it with oha at fixed concurrency and
duration for each query shape:

  Q1  one task by code with its operational and strategic goal
  Q2  the whole plan tree with indicators (over 1,000 objects at medium size)
  Q3  the first 50 tasks, each with its target groups and responsible organisations
  Q4  one funder's project links, 100 per page, each with its item code and strategic goal title
  Q5  Q1-Q4 mixed, with a steady trickle of project link updates; after each acknowledged update
      the writer reads the link back anonymously (through the response cache) and counts a stale
      read if the answer predates the update

It prints a table (requests/s, p50 and p99 latency, errors, server peak and final RSS, SQL
statements per request) and appends it, with the machine's description, to bench/results/.

Usage: bench/run [--engine postgres|sqlite|both] [--size medium] [--duration 10s]
                 [--connections 1,32] [--queries Q1,Q2,Q3,Q4,Q5] [--response-cache-bytes N]
Only the standard library is used; oha is installed with `cargo install oha --locked` if missing.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "nap-registry"
RESULTS = ROOT / "bench" / "results"
PLAN = "SYN-NAP-2021-2025"

Q1 = """query($code: String!) { planItem(code: $code) { code title
  parent { code title parent { code title } } } }"""
Q2 = """query($code: String!) { plan(code: $code) { code title goals { code title children { code title
  children { code title indicators { code name unit values { kind value sex periodStartYear } }
  targetGroups { code label } } } } } }"""
Q3 = """query($plan: String!) { planItems(filter: {plan: $plan, kind: TASK}, first: 50) { totalCount
  nodes { code title targetGroups { code label } responsibilities { role organisation { code name } } } } }"""
Q4 = """query($funder: String!) { projectLinks(filter: {funder: $funder}, first: 100) { totalCount
  nodes { title planItems { code ancestors { kind title } } } } }"""
CHECK = """query($id: ID!) { node(id: $id) { ... on ProjectLink { title version } } }"""
UPDATE = """mutation($input: UpdateProjectLinkInput!) { updateProjectLink(input: $input) {
  projectLink { title version } } }"""


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oha_binary():
    found = shutil.which("oha") or (pathlib.Path.home() / ".cargo" / "bin" / "oha")
    if not pathlib.Path(found).exists():
        log("installing oha (cargo install oha --locked)")
        subprocess.run(["cargo", "install", "oha", "--locked"], check=True)
        found = shutil.which("oha") or (pathlib.Path.home() / ".cargo" / "bin" / "oha")
    return str(found)


def graphql(port, query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def get_url(port, query, variables):
    params = urllib.parse.urlencode({"query": " ".join(query.split()), "variables": json.dumps(variables)})
    return f"http://127.0.0.1:{port}/graphql?{params}"


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    statements, requests, failed = 0.0, 0.0, 0.0
    for line in text.splitlines():
        if line.startswith("nap_sql_statements_total"):
            statements = float(line.split()[-1])
        elif line.startswith("nap_graphql_requests_total{"):
            requests += float(line.split()[-1])
            if 'outcome="ok"' not in line and 'outcome="cached"' not in line:
                failed += float(line.split()[-1])
    return statements, requests, failed


def reset_peak(pid):
    """Starts a new peak RSS (VmHWM) for the next row (Linux: clear_refs 5)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError as error:
        log(f"cannot reset the peak RSS, rows show the peak since start: {error}")


def memory(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                name, amount, _unit = line.split()
                values[name.rstrip(":")] = int(amount) / 1024
    return values.get("VmHWM", 0.0), values.get("VmRSS", 0.0)


class Server:
    """One nap-registry process on a prepared database."""

    def __init__(self, env, data_dir):
        self.port = free_port()
        self.env = dict(env, NAP_BIND=f"127.0.0.1:{self.port}", NAP_SEED_ON_START="never",
                        NAP_LOG="warn", NAP_RATE_LIMIT_PER_ADDRESS="1000000",
                        NAP_RATE_LIMIT_PER_TOKEN="1000000")
        self.log = open(data_dir / "server.log", "w")
        self.process = subprocess.Popen([str(BINARY), "serve"], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not become ready; see server.log")
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def prepare_database(engine, args, work):
    """A fresh database with the synthetic dataset; returns the environment reaching it."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
           "NAP_DATA_DIR": str(work)}
    if args.response_cache_bytes is not None:
        env["NAP_RESPONSE_CACHE_BYTES"] = str(args.response_cache_bytes)
    if engine == "postgres":
        admin = args.postgres_url
        base = admin.rsplit("/", 1)[0]
        for statement in ("DROP DATABASE IF EXISTS nap_bench WITH (FORCE)", "CREATE DATABASE nap_bench"):
            subprocess.run(["psql", admin, "-q", "-c", statement], check=True)
        env["DATABASE_URL"] = f"{base}/nap_bench"
    else:
        env["DATABASE_URL"] = f"sqlite://{work / 'bench.sqlite'}?mode=rwc"
    log(f"{engine}: loading the {args.size} synthetic dataset")
    subprocess.run([str(BINARY), "seed", "--synthetic", args.size], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return env


def discover(port):
    """Codes the queries use, read from the loaded dataset."""
    tasks = graphql(port, "query($p: String!) { planItems(filter: {plan: $p, kind: TASK}, first: 1) "
                          "{ nodes { code } } }", {"p": PLAN})
    task = tasks["planItems"]["nodes"][0]["code"]
    links = graphql(port, "{ projectLinks(first: 100) { nodes { id version title owner { code } "
                          "participants { role organisation { code } } } } }")["projectLinks"]["nodes"]
    funders = {}
    for link in links:
        for participant in link["participants"]:
            if participant["role"] == "FUNDING" and participant["organisation"]:
                code = participant["organisation"]["code"]
                funders[code] = funders.get(code, 0) + 1
    funder = max(funders, key=funders.get)
    writable = next(link for link in links if link["owner"])
    return task, funder, writable


def run_oha(oha, urls, connections, duration, work):
    command = [oha, "--no-tui", "--output-format", "json", "-z", duration, "-c", str(connections)]
    if len(urls) == 1:
        command.append(urls[0])
    else:
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n")
        command += ["--urls-from-file", str(url_file)]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(finished.stdout)


class Writer(threading.Thread):
    """Updates one project link a few times a second; after each acknowledged update reads it
    back anonymously and counts a stale read if the answer is older than the update."""

    def __init__(self, port, token, link, interval):
        super().__init__(daemon=True)
        self.port, self.token, self.link, self.interval = port, token, link, interval
        self.stop_event = threading.Event()
        self.writes = self.stale = self.errors = 0
        self.version = link["version"]

    def run(self):
        version = self.link["version"]
        round_number = 0
        while not self.stop_event.is_set():
            round_number += 1
            title = f"Benchmark update {round_number} {time.time():.6f}"
            try:
                updated = graphql(self.port, UPDATE, {"input": {"id": self.link["id"], "version": version,
                                                                 "titleEn": title}}, self.token)
                version = updated["updateProjectLink"]["projectLink"]["version"]
                self.writes += 1
                url = get_url(self.port, CHECK, {"id": self.link["id"]})
                request = urllib.request.Request(url, headers={"Accept-Language": "en"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    seen = json.load(response)["data"]["node"]
                if seen["version"] != version or seen["title"] != title:
                    self.stale += 1
            except Exception as error:  # noqa: BLE001 - counted and reported
                self.errors += 1
                log(f"writer: {error}")
                try:
                    version = graphql(self.port, CHECK, {"id": self.link["id"]})["node"]["version"]
                except Exception as reread_error:  # noqa: BLE001
                    log(f"writer: cannot re-read the version: {reread_error}")
            self.version = version
            self.stop_event.wait(self.interval)


def row(name, connections, report, server, before, after, extra=""):
    summary = report["summary"]
    percentiles = report.get("latencyPercentiles", {})
    codes = report.get("statusCodeDistribution", {})
    bad = sum(n for code, n in codes.items() if not code.startswith(("2", "3")))
    # oha cuts the requests still in flight when the duration ends: not the server's errors.
    bad += sum(n for kind, n in report.get("errorDistribution", {}).items() if kind != "aborted due to deadline")
    # GraphQL errors come with status 200: count the requests the server itself saw fail.
    bad += int(after[2] - before[2])
    total = sum(codes.values()) or 1
    statements = after[0] - before[0]
    requests = after[1] - before[1]
    peak, rss = memory(server.process.pid)  # peak since reset_peak before the row
    return {
        "query": name, "connections": connections,
        "rps": summary.get("requestsPerSec", 0.0),
        "p50_ms": (percentiles.get("p50") or 0) * 1000, "p99_ms": (percentiles.get("p99") or 0) * 1000,
        "errors": bad, "requests": total, "peak_rss_mb": peak, "rss_mb": rss,
        "sql_per_request": statements / requests if requests else 0.0, "extra": extra,
    }


def machine(binary_given):
    cores = os.cpu_count()
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    build = f"binary {BINARY}" if binary_given else f"commit {commit}"
    return f"{cores} cores ({model}), {total_kb / 1024 / 1024:.0f} GiB, {platform.system()} {platform.release()}, {build}"


def table(rows):
    lines = ["| query | conns | req/s | p50 ms | p99 ms | errors | peak RSS MB | end RSS MB | SQL/req | notes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['query']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
                     f"{r['errors']} / {r['requests']} | {r['peak_rss_mb']:.1f} | {r['rss_mb']:.1f} | "
                     f"{r['sql_per_request']:.3f} | {r['extra']} |")
    return "\n".join(lines)


def bench_engine(engine, args, oha):
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"nap-bench-{engine}-"))
    env = prepare_database(engine, args, work)
    server = Server(env, work)
    rows = []
    try:
        task, funder, link = discover(server.port)
        owner = link["owner"]["code"]
        token = subprocess.run([str(BINARY), "token", "issue", "--org", owner, "--scopes", "projects:write",
                                "--ttl", "1d", "--label", "benchmark"], env=env, check=True,
                               capture_output=True, text=True).stdout.strip()
        urls = {
            "Q1": get_url(server.port, Q1, {"code": task}),
            "Q2": get_url(server.port, Q2, {"code": PLAN}),
            "Q3": get_url(server.port, Q3, {"plan": PLAN}),
            "Q4": get_url(server.port, Q4, {"funder": funder}),
        }
        objects = json.dumps(graphql(server.port, Q2, {"code": PLAN})).count("{")
        log(f"{engine}: Q2 returns {objects} objects; funder {funder}; writer updates {link['id']} as {owner}")
        for name in args.queries:
            for connections in args.connections:
                # Warm up: the first answer of each shape is computed, the rest are measured.
                for url in urls.values():
                    urllib.request.urlopen(url, timeout=60).read()
                reset_peak(server.process.pid)
                before = metrics(server.port)
                writer = None
                if name == "Q5":
                    writer = Writer(server.port, token, link, interval=0.2)
                    writer.start()
                    report = run_oha(oha, list(urls.values()), connections, args.duration, work)
                    writer.stop_event.set()
                    writer.join()
                    link["version"] = writer.version
                    extra = (f"{writer.writes} writes, {writer.stale} stale reads, {writer.errors} writer errors; "
                             "SQL/req includes the writer's requests")
                else:
                    report = run_oha(oha, [urls[name]], connections, args.duration, work)
                    extra = ""
                after = metrics(server.port)
                rows.append(row(name, connections, report, server, before, after, extra))
                log(table(rows[-1:]).splitlines()[-1])
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--size", choices=["small", "medium", "large"], default="medium")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", default="1,32")
    parser.add_argument("--queries", default="Q1,Q2,Q3,Q4,Q5")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--response-cache-bytes", type=int, default=None,
                        help="NAP_RESPONSE_CACHE_BYTES for the server (0: no cache, to measure the database path)")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    parser.add_argument("--binary", help="benchmark this nap-registry binary instead (implies --no-build)")
    args = parser.parse_args()
    global BINARY
    if args.binary:
        BINARY = pathlib.Path(args.binary).resolve()
        args.no_build = True
    args.connections = [int(c) for c in args.connections.split(",")]
    args.queries = [q.strip().upper() for q in args.queries.split(",")]
    oha = oha_binary()
    if not args.no_build:
        log("building the release binary")
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "nap-registry"], cwd=ROOT, check=True)
    engines = ["postgres", "sqlite"] if args.engine == "both" else [args.engine]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    report = [f"# Benchmark {stamp}", "",
              f"Machine: {machine(bool(args.binary))}. Load generator: oha on the same machine. Dataset: {args.size}. "
              f"Duration {args.duration} per row. Response cache: "
              f"{'default' if args.response_cache_bytes is None else args.response_cache_bytes} bytes.", ""]
    for engine in engines:
        rows = bench_engine(engine, args, oha)
        report += [f"## {engine}", "", table(rows), ""]
    text = "\n".join(report)
    path = RESULTS / f"{stamp}-{args.size}.md"
    path.write_text(text + "\n")
    print(text)
    log(f"results written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

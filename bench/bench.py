#!/usr/bin/env python3
"""The NAP 1325 Registry read-path benchmark.

Builds the release binary, loads the synthetic dataset of the named size into a fresh database
(PostgreSQL and/or SQLite), and for each cache mode starts the server on it (timing the cold start:
from spawning `nap-registry serve` to the first 200 of /readyz) and drives it with oha at fixed
concurrency and duration, one row per query shape:

  Q1         one task by code with its operational and strategic goal
  Q2         the whole plan tree with indicators (over 1,000 objects at medium size)
  Q3         the first 50 tasks, each with its target groups and responsible organisations
  Q4         one funder's project links, 100 per page, each with its item code and strategic goal title
  Q1-varied  Q1 over every task code of the plan (each request picks one at random)
  Q4-varied  Q4 over every funder of a project link (each request picks one at random)
  Q1-auth    Q1 with a bearer token on every request (authenticated reads are never cached)
  Q4-auth    Q4 with a bearer token on every request
  mix        Q1-Q4 mixed, read only
  Q5         the same mix with a writer updating a project link five times a second; after each
             acknowledged update the writer reads the link back anonymously (through the response
             cache) and counts a stale read if the answer predates the update; its read share of
             the mix is measured in alternating 2 s slices (mix, then mix with the writer, 4 times)

It prints a table per engine and cache mode (requests/s, p50 and p99 latency, server CPU ms per
request, errors, server peak and final RSS, SQL statements per request), then which of issue 13's
targets the rows meet, and writes it all, with the machine, the commit and the allocator, to
bench/results/.

Usage: bench/run [--engine postgres|sqlite|both] [--size small|medium|large|national] [--duration 10s]
                 [--connections 1,32] [--queries Q1,Q2,...] [--cache off|on|both]
                 [--response-cache-bytes N]
Only the standard library is used; oha is installed with `cargo install oha --locked` if missing.
"""

import argparse
import csv
import datetime
import json
import os
import pathlib
import platform
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from measure import Sample, log, memory, metrics, oha_binary, reset_peak, resident_parts, row, run_oha, table

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_DIR = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", "target"))
BINARY = (ROOT / TARGET_DIR / "release" / "nap-registry").resolve()
RESULTS = ROOT / "bench" / "results"
PLAN = "SYN-NAP-2021-2025"
SIZES = ["small", "medium", "large", "national"]

Q1 = """query($code: String!) { planItem(code: $code) { code title
  parent { code title parent { code title } } } }"""
Q2 = """query($code: String!) { plan(code: $code) { code title goals { code title children { code title
  children { code title indicators { code name unit values { kind value sex periodStartYear } }
  targetGroups { code label } } } } } }"""
Q3 = """query($plan: String!) { planItems(filter: {plan: $plan, kind: TASK}, first: 50) { totalCount
  nodes { code title targetGroups { code label } responsibilities { role organisation { code name } } } } }"""
Q4 = """query($funder: String!) { projectLinks(filter: {funder: $funder}, first: 100) { totalCount
  nodes { title planItems { code ancestors { kind title } } } } }"""
TASKS = """query($plan: String!, $after: String) { planItems(filter: {plan: $plan, kind: TASK}, first: 100,
  after: $after) { pageInfo { hasNextPage endCursor } nodes { code } } }"""
LINKS = """{ projectLinks(first: 100) { nodes { id version title owner { code }
  participants { role organisation { code } } } } }"""
CHECK = """query($id: ID!) { node(id: $id) { ... on ProjectLink { title version } } }"""
UPDATE = """mutation($input: UpdateProjectLinkInput!) { updateProjectLink(input: $input) {
  projectLink { title version } } }"""

# Row key -> name in the tables.
ROWS = {"Q1": "Q1", "Q2": "Q2", "Q3": "Q3", "Q4": "Q4", "Q1-VARIED": "Q1 varied", "Q4-VARIED": "Q4 varied",
        "Q1-AUTH": "Q1 auth", "Q4-AUTH": "Q4 auth", "MIX": "mix", "Q5": "Q5"}

# Issue 13's targets (PostgreSQL, 32 connections): cache off, req/s at least and CPU ms per request at
# most; the varied and authenticated rows have the targets of their query. Cache on: today's req/s.
CACHE_OFF_TARGETS = {"Q1": (12_000, 0.1), "Q2": (400, 4.0), "Q3": (2_000, 0.8), "Q4": (2_000, 0.8)}
Q1_P99_MS = 5.0
CACHE_ON_TODAY = {"Q1": 18_000, "Q2": 8_800, "Q3": 15_000, "Q4": 17_000}
TARGET_CONNECTIONS = 32
MEDIUM_RSS_MB = 64
NATIONAL_COLD_START_S = 5.0
Q5_READ_SHARE = 0.8
# Q5's read share of the mix: this many rounds of a slice of the mix, then one with the writer.
SHARE_ROUNDS = 4
SHARE_SLICE_S = 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port, query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.load(response)
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def get_url(port, query, variables):
    params = urllib.parse.urlencode({"query": " ".join(query.split()), "variables": json.dumps(variables)})
    return f"http://127.0.0.1:{port}/graphql?{params}"


class Server:
    """One nap-registry process on a prepared database; `cold_start_s` is the time from spawning it
    to the first 200 of /readyz, `ready_rss_mb` its RSS right then."""

    def __init__(self, env, data_dir, name):
        self.port = free_port()
        self.env = dict(env, NAP_BIND=f"127.0.0.1:{self.port}", NAP_SEED_ON_START="never",
                        NAP_LOG="warn", NAP_RATE_LIMIT_PER_ADDRESS="1000000000",
                        NAP_RATE_LIMIT_PER_TOKEN="1000000000")
        self.log = open(data_dir / f"server-{name}.log", "w")
        started = time.monotonic()
        self.process = subprocess.Popen([str(BINARY), "serve"], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() - started > 600 or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"the server did not become ready; see {self.log.name}")
                time.sleep(0.01)
        self.cold_start_s = time.monotonic() - started
        self.ready_rss_mb = memory(self.pid)[1]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def prepare_database(engine, args, work):
    """A fresh database with the synthetic dataset; returns the environment reaching it."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
           "NAP_DATA_DIR": str(work)}
    if engine == "postgres":
        admin = args.postgres_url
        base = admin.rsplit("/", 1)[0]
        name = args.postgres_database
        for statement in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-q", "-c", statement], check=True)
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite://{work / 'bench.sqlite'}?mode=rwc"
    log(f"{engine}: loading the {args.size} synthetic dataset")
    started = time.monotonic()
    subprocess.run([str(BINARY), "seed", "--synthetic", args.size], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    log(f"{engine}: loaded in {time.monotonic() - started:.1f} s")
    if engine == "postgres":
        # Settle the fresh database (statistics, visibility map) before measuring, so autovacuum
        # does not run during the first rows.
        subprocess.run(["psql", env["DATABASE_URL"], "-q", "-c", "VACUUM ANALYZE"], check=True)
    return env


def discover(port):
    """Codes the queries use, read from the loaded dataset: the first task and every task of the
    plan, the funder of most of the first 100 links and every funder of any link (from the
    project-links export), and a link the writer can update."""
    tasks, after = [], None
    while True:
        page = graphql(port, TASKS, {"plan": PLAN, "after": after})["planItems"]
        tasks += [node["code"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    links = graphql(port, LINKS)["projectLinks"]["nodes"]
    counts = {}
    for link in links:
        for participant in link["participants"]:
            if participant["role"] == "FUNDING" and participant["organisation"]:
                code = participant["organisation"]["code"]
                counts[code] = counts.get(code, 0) + 1
    funders = set()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/export/project-links.csv", timeout=600) as response:
        lines = (line.decode("utf-8-sig") for line in response)
        for record in csv.DictReader(lines):
            funders.update(code for code in record["funder_codes"].split("; ") if code)
    return {"task": tasks[0], "tasks": tasks, "funder": max(counts, key=counts.get),
            "funders": sorted(funders), "link": next(link for link in links if link["owner"])}


class Writer(threading.Thread):
    """Updates one project link a few times a second; after each acknowledged update reads it
    back anonymously and counts a stale read if the answer is older than the update."""

    def __init__(self, port, token, link, interval=0.2):
        super().__init__(daemon=True)
        self.port, self.token, self.link, self.interval = port, token, link, interval
        self.stop_event = threading.Event()
        self.writes = self.stale = self.errors = 0
        self.version = link["version"]

    @classmethod
    def started(cls, port, token, found):
        """A writer updating the discovered link, running."""
        writer = cls(port, token, found["link"])
        writer.start()
        return writer

    def finish(self, found):
        """Stops the writer and hands the link's version it reached on to the next one."""
        self.stop_event.set()
        self.join()
        found["link"]["version"] = self.version

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


def interleaved_read_share(server, oha, urls, connections, token, found, work):
    """Q5's read throughput as a share of the read-only mix's, measured in alternating short slices
    (the mix, then the mix with the writer), so that the machine's speed, which drifts over a run,
    weighs on both sides alike; also the writers of those slices, whose counts join the row's."""
    mix = q5 = 0.0
    writers = []
    for _ in range(SHARE_ROUNDS):
        mix += run_oha(oha, urls, connections, f"{SHARE_SLICE_S}s", work)["summary"]["requestsPerSec"]
        writers.append(Writer.started(server.port, token, found))
        q5 += run_oha(oha, urls, connections, f"{SHARE_SLICE_S}s", work)["summary"]["requestsPerSec"]
        writers[-1].finish(found)
    return (q5 / mix if mix else None), writers


def row_urls(port, found):
    """The URLs of each row (one, or many picked at random), and whether it sends the token."""
    one = {
        "Q1": get_url(port, Q1, {"code": found["task"]}),
        "Q2": get_url(port, Q2, {"code": PLAN}),
        "Q3": get_url(port, Q3, {"plan": PLAN}),
        "Q4": get_url(port, Q4, {"funder": found["funder"]}),
    }
    mix = list(one.values())
    return one, {
        **{key: ([url], False) for key, url in one.items()},
        "Q1-VARIED": ([get_url(port, Q1, {"code": code}) for code in found["tasks"]], False),
        "Q4-VARIED": ([get_url(port, Q4, {"funder": code}) for code in found["funders"]], False),
        "Q1-AUTH": ([one["Q1"]], True),
        "Q4-AUTH": ([one["Q4"]], True),
        "MIX": (mix, False),
        "Q5": (mix, False),
    }


def bench_server(server, args, oha, found, token, work):
    """The rows of one server (one engine, one cache mode)."""
    one, urls = row_urls(server.port, found)
    rows = []
    for key in args.queries:
        for connections in args.connections:
            # Warm up: the first answer of each shape is computed, the rest are measured.
            for url in one.values():
                urllib.request.urlopen(url, timeout=120).read()
            reset_peak(server.pid)
            targets, authenticated = urls[key]
            headers = [f"Authorization: Bearer {token}"] if authenticated else []
            before = Sample(server.port, server.pid)
            writer = None
            if key == "Q5":
                writer = Writer.started(server.port, token, found)
            report = run_oha(oha, targets, connections, args.duration, work, headers, args.compressed)
            extra = f"{len(targets)} URLs" if len(targets) > 1 and key not in ("MIX", "Q5") else ""
            extra = "a bearer token on every request" if authenticated else extra
            if writer:
                writer.finish(found)
            after = Sample(server.port, server.pid)
            result = row(ROWS[key], connections, report, server.pid, before, after, extra)
            if writer:
                share, slice_writers = interleaved_read_share(server, oha, targets, connections, token, found, work)
                writers = [writer, *slice_writers]
                writes, stale, errors = (sum(w.writes for w in writers), sum(w.stale for w in writers),
                                         sum(w.errors for w in writers))
                result.update(stale=stale, writer_errors=errors, read_share=share)
                mix = next((r for r in rows if r["query"] == "mix" and r["connections"] == connections), None)
                rows_share = f", the rows {result['rps'] / mix['rps']:.0%}" if mix and mix["rps"] else ""
                share_note = f"; reads {share:.0%} of mix (alternating {SHARE_SLICE_S} s slices{rows_share})" if share else ""
                result["extra"] = (f"{writes} writes, {stale} stale reads, {errors} writer errors{share_note}; "
                                   "CPU and SQL/req include the writer's requests")
            rows.append(result)
            log(table(rows[-1:]).splitlines()[-1])
    return rows


def bench_engine(engine, args, oha):
    """One section per cache mode, each on a server started afresh on the same database."""
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"nap-bench-{engine}-"))
    sections = []
    try:
        env = prepare_database(engine, args, work)
        found, token = None, None
        for mode in args.cache:
            mode_env = dict(env)
            if mode == "off":
                mode_env["NAP_RESPONSE_CACHE_BYTES"] = "0"
            elif args.response_cache_bytes:
                mode_env["NAP_RESPONSE_CACHE_BYTES"] = str(args.response_cache_bytes)
            server = Server(mode_env, work, mode)
            log(f"{engine}, cache {mode}: ready in {server.cold_start_s:.2f} s, RSS {server.ready_rss_mb:.1f} MB")
            try:
                if found is None:
                    found = discover(server.port)
                    owner = found["link"]["owner"]["code"]
                    token = subprocess.run(
                        [str(BINARY), "token", "issue", "--org", owner, "--scopes", "projects:write", "--ttl", "1d",
                         "--label", "benchmark"], env=env, check=True, capture_output=True, text=True).stdout.strip()
                    objects = json.dumps(graphql(server.port, Q2, {"code": PLAN})).count("{")
                    log(f"{engine}: Q2 returns {objects} objects; {len(found['tasks'])} tasks; "
                        f"{len(found['funders'])} funders (Q4: {found['funder']}); writer updates "
                        f"{found['link']['id']} as {owner}")
                rows = bench_server(server, args, oha, found, token, work)
                sections.append({"engine": engine, "cache": mode, "rows": rows, "cold_start_s": server.cold_start_s,
                                 "ready_rss_mb": server.ready_rss_mb, "end_rss_mb": memory(server.pid)[1],
                                 "end_rss_parts_mb": resident_parts(server.pid),
                                 "allocator": metrics(server.port).allocator})
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sections


def target_checks(sections, size):
    """Issue 13's targets each measured row meets or misses: (section, row, target, measured, met)."""
    checks = []
    for section in sections:
        if section["engine"] != "postgres":
            continue
        where = f"{section['engine']}, cache {section['cache']}"
        for r in section["rows"]:
            if r["connections"] != TARGET_CONNECTIONS:
                continue
            base = r["query"].split()[0]
            if section["cache"] == "off" and base in CACHE_OFF_TARGETS and r["query"] != "mix":
                rps, cpu = CACHE_OFF_TARGETS[base]
                checks.append((where, r["query"], f">= {rps:,} req/s", f"{r['rps']:,.0f}", r["rps"] >= rps))
                checks.append((where, r["query"], f"<= {cpu} CPU ms/req", f"{r['cpu_ms_per_request']:.3f}",
                               r["cpu_ms_per_request"] <= cpu))
                if base == "Q1":
                    checks.append((where, r["query"], f"p99 < {Q1_P99_MS} ms", f"{r['p99_ms']:.2f}",
                                   r["p99_ms"] < Q1_P99_MS))
            elif section["cache"] == "on" and r["query"] in CACHE_ON_TODAY:
                today = CACHE_ON_TODAY[r["query"]]
                checks.append((where, r["query"], f">= {today:,} req/s (today)", f"{r['rps']:,.0f}",
                               r["rps"] >= today))
            elif r["query"] == "Q5":
                checks.append((where, "Q5", "0 stale reads, 0 errors",
                               f"{r['stale']} stale, {r['errors'] + r['writer_errors']} errors",
                               r["stale"] == 0 and r["errors"] + r["writer_errors"] == 0))
                if r["read_share"] is not None:
                    checks.append((where, "Q5", f"reads >= {Q5_READ_SHARE:.0%} of mix", f"{r['read_share']:.0%}",
                                   r["read_share"] >= Q5_READ_SHARE))
        if size == "medium":
            checks.append((where, "end of run", f"RSS <= {MEDIUM_RSS_MB} MB", f"{section['end_rss_mb']:.1f} MB",
                           section["end_rss_mb"] <= MEDIUM_RSS_MB))
        if size == "national":
            checks.append((where, "cold start", f"< {NATIONAL_COLD_START_S:.0f} s", f"{section['cold_start_s']:.2f} s",
                           section["cold_start_s"] < NATIONAL_COLD_START_S))
    return checks


def targets_table(checks):
    if not checks:
        return "No target applies to these rows (targets are for PostgreSQL at 32 connections)."
    lines = ["| server | row | target | measured | met |", "|---|---|---|---|---|"]
    lines += [f"| {where} | {name} | {target} | {measured} | {'yes' if met else '**no**'} |"
              for where, name, target, measured, met in checks]
    return "\n".join(lines)


def machine():
    cores = os.cpu_count()
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return f"{cores} cores ({model}), {total_kb / 1024 / 1024:.1f} GiB RAM, {platform.system()} {platform.release()}"


def commit():
    """The git short sha of the working tree, with `-dirty` if it has uncommitted changes."""
    def git(*arguments):
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = git("status", "--porcelain", "--", ".", ":!bench/results")
    return git("rev-parse", "--short", "HEAD") + ("-dirty" if dirty else "")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--size", choices=SIZES, default="medium")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", default="1,32")
    parser.add_argument("--queries", default=",".join(ROWS),
                        help=f"rows to run, of {', '.join(ROWS)} (any case)")
    parser.add_argument("--cache", choices=["off", "on", "both"], default=None,
                        help="response cache: off (NAP_RESPONSE_CACHE_BYTES=0), on (the default size, or "
                             "--response-cache-bytes), or both, each on its own server (default: both)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--postgres-database", default="nap_bench",
                        help="the database the benchmark drops and creates afresh (default nap_bench)")
    parser.add_argument("--response-cache-bytes", type=int, default=None,
                        help="NAP_RESPONSE_CACHE_BYTES with the cache on (0 alone means --cache off)")
    parser.add_argument("--compressed", action="store_true",
                        help="send Accept-Encoding (gzip, br) as browsers do; by default none is sent, as wrk sends none")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    parser.add_argument("--binary", help="benchmark this nap-registry binary instead (implies --no-build)")
    args = parser.parse_args()
    if not args.postgres_database.isidentifier():
        parser.error("--postgres-database: letters, digits and underscores only")
    if args.cache is None:
        args.cache = "off" if args.response_cache_bytes == 0 else "both"
    elif args.cache != "off" and args.response_cache_bytes == 0:
        parser.error("--response-cache-bytes 0 turns the cache off: use --cache off")
    args.cache = ["off", "on"] if args.cache == "both" else [args.cache]
    args.connections = [int(c) for c in args.connections.split(",")]
    args.queries = [q.strip().upper() for q in args.queries.split(",")]
    unknown = [q for q in args.queries if q not in ROWS]
    if unknown:
        parser.error(f"unknown rows {', '.join(unknown)}; rows: {', '.join(ROWS)}")
    return args


def main():
    global BINARY
    args = parse_args()
    if args.binary:
        BINARY = pathlib.Path(args.binary).resolve()
        args.no_build = True
    oha = oha_binary()
    if not args.no_build:
        log(f"building the release binary ({BINARY})")
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "nap-registry"], cwd=ROOT, check=True)
    engines = ["postgres", "sqlite"] if args.engine == "both" else [args.engine]
    built_from = commit()
    sections = []
    for engine in engines:
        sections += bench_engine(engine, args, oha)
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    allocators = sorted({section["allocator"] for section in sections}) or ["unknown"]
    build = f"binary {BINARY} (tree at commit {built_from})" if args.binary else f"commit {built_from}"
    report = [f"# Benchmark {stamp}", "",
              f"Machine: {machine()}. Build: {build}, release. Allocator: {', '.join(allocators)}. "
              f"Load generator: oha on the same machine, {'with' if args.compressed else 'without'} Accept-Encoding. "
              f"Dataset: {args.size}. Duration {args.duration} per row.",
              ""]
    for section in sections:
        cache = "off (NAP_RESPONSE_CACHE_BYTES=0)" if section["cache"] == "off" else (
            f"on ({args.response_cache_bytes} bytes)" if args.response_cache_bytes else "on (default size)")
        report += [f"## {section['engine']}, response cache {cache}", "",
                   f"Cold start (spawn to the first 200 of /readyz): {section['cold_start_s']:.2f} s, RSS then "
                   f"{section['ready_rss_mb']:.1f} MB; RSS at the end {section['end_rss_mb']:.1f} MB "
                   f"({section['end_rss_parts_mb'][0]:.1f} MB anonymous, {section['end_rss_parts_mb'][1]:.1f} MB "
                   "file-backed: the binary's pages).", "",
                   table(section["rows"]), ""]
    report += ["## Targets (issue 13)", "", targets_table(target_checks(sections, args.size)), ""]
    text = "\n".join(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-{args.size}.md"
    path.write_text(text + "\n")
    print(text)
    log(f"results written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

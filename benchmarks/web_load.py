"""Web load benchmark (issue 3, "Benchmark") — one command, against PostgreSQL:

    source scripts/pg-test-server                       # a throw-away PostgreSQL (or use any PostgreSQL URL)
    python benchmarks/web_load.py --db "$CAREPOOL_TEST_POSTGRES_URL"
    pg_test_stop

What it does:

1. Loads the synthetic national set (``carepool.demo.national.generate_national``, 152 plans) into the
   database through the services (``load_plans``; a second run finds them already loaded) and creates a
   national admin with a known password (``create_user``; reused if it already exists).
2. Starts the production server — ``carepool --db URL serve`` (gunicorn: ``--workers`` processes of
   ``--threads`` threads) in a subprocess — on a free port
   of 127.0.0.1 (never any other address) and waits until it answers.
3. Signs in ``--clients`` (20) clients, each with its own session cookie, reading the CSRF token from the
   sign-in form as a browser would.
4. Runs a bounded load, 20 concurrent clients for a fixed duration (``--seconds``, default 20) with a hard
   cap on the total requests (``--max-requests``), first against the plan overview page
   (``/plans/<id>``, rotating over the 152 plans), then, separately, against the national dashboard.
   Sequential warm-up requests precede each run (not counted in it; they give the unloaded latency),
   and each run starts only when the server is idle again.
5. Prints requests/s, p50/p95/p99 latency, errors (transport errors and any status other than 200), the
   CPU used by the load generator, the server and PostgreSQL, and writes all of it as JSON to
   ``benchmarks/results/web-load-<time>.json`` and ``web-load-latest.json`` (git-ignored). Then it stops
   the server.

The load generator. By default ``wrk`` (Debian: ``apt-get install -y wrk``): it is C with an event loop,
so at a few hundred requests/s it uses a few percent of a core and cannot be what limits the figures on a
2-core machine shared with the server and PostgreSQL. It runs with one connection per wrk thread (20 and
20) so each connection carries its own client's cookie (set from a Lua script); the same script rotates
the plan paths, counts non-200 responses and stops each connection after its share of the request cap.
``--client python`` uses Python threads with keep-alive ``http.client`` connections instead (no extra
package); its own CPU time is reported so you can see whether it, rather than the server, was saturated.
Both are closed-loop: each client sends its next request when the previous one is answered.

Benchmarks are not tests: nothing here asserts a time; the targets are printed next to the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
HOST = "127.0.0.1"  # loopback only, always
USERNAME = "bench-national-admin"
PASSWORD = "bench-load-test-password-1"  # a throw-away benchmark account on a benchmark database
COOKIE = "carepool_session"
TARGETS = {"overview": {"p95_ms": 150.0, "rps": 100.0}, "dashboard": {"p95_ms": 300.0}}
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- 1. data and account -----------------------------------------------------------------------------


def prepare(url: str) -> list[str]:
    """Load the national set and the admin account through the services; return the plan ids."""
    from carepool.demo.national import generate_national
    from carepool.problems import InputRejected
    from carepool.services.accounts import accounts_of, create_user
    from carepool.services.backend import connect
    from carepool.services.demo import load_plans
    from carepool.services.permissions import Assignment, Role

    if not url.startswith("postgresql"):
        print(f"warning: {url.split(':', 1)[0]} is not PostgreSQL; the issue's targets are for PostgreSQL")
    db = connect(url)
    try:
        started = time.perf_counter()
        loaded = load_plans(db, generate_national(), actor="benchmarks/web_load.py")
        results: dict[str, int] = {}
        for item in loaded:
            results[item.result] = results.get(item.result, 0) + 1
        print(f"national set: {len(loaded)} plans {results} in {time.perf_counter() - started:.1f} s")
        try:
            create_user(
                accounts_of(db),
                USERNAME,
                "Benchmark National Admin",
                PASSWORD,
                [Assignment(Role.NATIONAL_ADMIN)],
            )
            print(f"created the national admin {USERNAME}")
        except InputRejected:
            print(f"the national admin {USERNAME} already exists; reusing it")
        return sorted(item.plan_id for item in loaded)
    finally:
        db.dispose()


# --- 2. the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from carepool.cli import main; main()",
        "--db",
        url,
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            status, _, _ = request(port, "GET", "/sign-in")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"the server did not answer within 60 s:\n{log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


# --- 3. signing in -------------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, body: str | None = None, cookie: str | None = None
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Host": f"{HOST}:{port}"}
        if cookie:
            headers["Cookie"] = f"{COOKIE}={cookie}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
                found["cookie"] = value.split(";", 1)[0].split("=", 1)[1]
            elif name.lower() == "location":
                found["location"] = value
        return response.status, found, text
    finally:
        conn.close()


def sign_in(port: int) -> str:
    """One client's session cookie: GET the form (a session with a CSRF token), POST it back."""
    status, got, page = request(port, "GET", "/sign-in")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if status != 200 or not match or "cookie" not in got:
        raise RuntimeError(f"no sign-in form (status {status})")
    form = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "next": "", "username": USERNAME, "password": PASSWORD}
    )
    status, signed, _ = request(port, "POST", "/sign-in", form, cookie=got["cookie"])
    if status != 302 or "cookie" not in signed:
        raise RuntimeError(f"sign-in refused (status {status}); is {USERNAME}'s password {PASSWORD!r}?")
    status, _, _ = request(port, "GET", "/dashboard", cookie=signed["cookie"])
    if status != 200:
        raise RuntimeError(f"signed in, but /dashboard answered {status}")
    return signed["cookie"]


# --- CPU accounting --------------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (the server's master and its worker processes)."""
    return sum(proc_cpu(p) for p in [pid, *children_of(pid)])


def children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{parent}\n" in status:
                found.append(int(entry.name))
    return found


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (to count its CPU)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            backend = int(conn.execute(sqlalchemy.text("select pg_backend_pid()")).scalar_one())
        status = Path(f"/proc/{backend}/status").read_text()
        return int(next(x for x in status.splitlines() if x.startswith("PPid:")).split()[1])
    except (OSError, StopIteration, ValueError, sqlalchemy.exc.SQLAlchemyError):
        return None
    finally:
        engine.dispose()


def postgres_pids(postmaster: int | None) -> list[int]:
    """The postmaster and its children (the backends serving our connections among them)."""
    return [] if postmaster is None else [postmaster, *children_of(postmaster)]


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies for the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


@dataclass
class CpuMeter:
    server_pid: int
    postmaster: int | None
    start: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "wall": time.perf_counter(),
            "server": tree_cpu(self.server_pid),
            "postgres": {pid: proc_cpu(pid) for pid in postgres_pids(self.postmaster)},
            "children": children.ru_utime + children.ru_stime,  # finished children: wrk
            "self": own.ru_utime + own.ru_stime,  # this process: the Python client threads
            "machine": machine_cpu(),
        }

    def begin(self) -> None:
        self.start = self.snapshot()

    def end(self, client: str) -> dict[str, float]:
        a, b = self.start, self.snapshot()
        wall = b["wall"] - a["wall"]
        postgres = sum(v - a["postgres"].get(pid, 0.0) for pid, v in b["postgres"].items())
        generator = b["children"] - a["children"] if client == "wrk" else b["self"] - a["self"]
        busy = b["machine"][0] - a["machine"][0]
        total = b["machine"][1] - a["machine"][1]
        cores = os.cpu_count() or 1
        return {
            "wall_s": wall,
            "client_cpu_s": generator,
            "client_cpu_pct_of_core": 100 * generator / wall,
            "server_cpu_s": b["server"] - a["server"],
            "server_cpu_pct_of_core": 100 * (b["server"] - a["server"]) / wall,
            "postgres_cpu_pct_of_core": 100 * postgres / wall,
            "machine_busy_pct": 100 * busy / total if total else 0.0,
            "machine_cores": cores,
        }


# --- 4. the load: wrk ------------------------------------------------------------------------------------

WRK_LUA = r"""
-- carepool web_load.py: one connection per wrk thread, each with its own signed-in session cookie.
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  local cookies, paths = {}, {}
  for line in io.lines(os.getenv("CAREPOOL_WRK_COOKIES")) do table.insert(cookies, line) end
  for line in io.lines(os.getenv("CAREPOOL_WRK_PATHS")) do table.insert(paths, line) end
  cookie = cookies[((id - 1) % #cookies) + 1]
  my_paths = paths
  next_path = ((id - 1) * 7) % #paths
  limit = tonumber(os.getenv("CAREPOOL_WRK_LIMIT"))
  done_count, bad = 0, 0
  wrk.headers["Cookie"] = "carepool_session=" .. cookie
end
function request()
  next_path = (next_path % #my_paths) + 1
  return wrk.format("GET", my_paths[next_path])
end
function response(status, headers, body)
  done_count = done_count + 1
  if status ~= 200 then bad = bad + 1 end
  if done_count >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do bad_total = bad_total + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    'CAREPOOL_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_200": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def run_wrk(
    port: int, cookies: list[str], paths: list[str], seconds: float, max_requests: int, work: Path
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk not found: apt-get install -y wrk, or use --client python")
    script = work / "carepool.lua"
    script.write_text(WRK_LUA)
    (work / "cookies.txt").write_text("\n".join(cookies) + "\n")
    (work / "paths.txt").write_text("\n".join(paths) + "\n")
    env = dict(
        os.environ,
        CAREPOOL_WRK_COOKIES=str(work / "cookies.txt"),
        CAREPOOL_WRK_PATHS=str(work / "paths.txt"),
        CAREPOOL_WRK_LIMIT=str(max(1, max_requests // len(cookies))),
    )
    n = len(cookies)
    command = [
        wrk,
        f"-t{n}",
        f"-c{n}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
        f"http://{HOST}:{port}/",
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("CAREPOOL_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.split(" ", 1)[1])
    duration = raw["duration_us"] / 1e6
    transport = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "duration_s": duration,
        "rps": raw["requests"] / duration,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "errors": raw["non_200"] + transport,
        "non_200": raw["non_200"],
        "transport_errors": transport,
        "bytes_per_response": raw["bytes"] / max(1, raw["requests"]),
    }


# --- 4. the load: Python threads ------------------------------------------------------------------------


def run_python(
    port: int, cookies: list[str], paths: list[str], seconds: float, max_requests: int
) -> dict[str, Any]:
    """Closed loop: each thread keeps one keep-alive connection and sends the next request on answer."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = {"non_200": 0, "transport": 0}
    issued = [0]
    start_gate = threading.Barrier(len(cookies) + 1)
    deadline = [0.0]

    def client(index: int, cookie: str) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Host": f"{HOST}:{port}", "Cookie": f"{COOKIE}={cookie}"}
        position = index * 7
        start_gate.wait()
        for _ in range(max_requests):  # bounded in count as well as in time
            with lock:
                if issued[0] >= max_requests or time.perf_counter() >= deadline[0]:
                    break
                issued[0] += 1
            position += 1
            path = paths[position % len(paths)]
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if not ok:
                        errors["non_200"] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                with lock:
                    errors["transport"] += 1
        conn.close()

    workers = [
        threading.Thread(target=client, args=(i, c), daemon=True, name=f"client-{i}")
        for i, c in enumerate(cookies)
    ]
    for w in workers:
        w.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for w in workers:
        w.join(timeout=seconds + 60)
    duration = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        if not ordered:
            return float("nan")
        return 1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank

    return {
        "requests": len(ordered),
        "duration_s": duration,
        "rps": len(ordered) / duration,
        "p50_ms": pct(50),
        "p90_ms": pct(90),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": 1000 * ordered[-1] if ordered else float("nan"),
        "mean_ms": 1000 * sum(ordered) / len(ordered) if ordered else float("nan"),
        "errors": errors["non_200"] + errors["transport"],
        "non_200": errors["non_200"],
        "transport_errors": errors["transport"],
    }


# --- 5. report -------------------------------------------------------------------------------------------


def wait_idle(pid: int, limit_s: float = 180.0) -> float:
    """Wait until the server stops using CPU (requests still queued from a previous run are drained)."""
    began = time.monotonic()
    while time.monotonic() - began < limit_s:
        before = tree_cpu(pid)
        time.sleep(0.5)
        if tree_cpu(pid) - before < 0.03:
            break
    return time.monotonic() - began


def warm_up(port: int, cookie: str, paths: list[str], count: int) -> list[float]:
    """Sequential requests from one client, unmeasured by the load: compiles templates, fills pools.
    Their latencies are the page's unloaded latency (one request at a time)."""
    took = []
    for i in range(count):
        began = time.perf_counter()
        status, _, _ = request(port, "GET", paths[(i * 37) % len(paths)], cookie=cookie)
        took.append(1000 * (time.perf_counter() - began))
        if status != 200:
            raise RuntimeError(f"warm-up: {paths[(i * 37) % len(paths)]} answered {status}")
    return took


def measure(
    name: str, args: argparse.Namespace, port: int, pid: int, cookies: list[str], paths: list[str], work: Path
) -> dict[str, Any]:
    unloaded = warm_up(
        port, cookies[0], paths, args.warmup if name == "overview" else max(1, args.warmup // 5)
    )
    wait_idle(pid)
    meter = CpuMeter(pid, args.postmaster)
    meter.begin()
    if args.client == "wrk":
        figures = run_wrk(port, cookies, paths, args.seconds, args.max_requests, work)
    else:
        figures = run_python(port, cookies, paths, args.seconds, args.max_requests)
    figures["cpu"] = meter.end(args.client)
    figures["drain_after_s"] = wait_idle(pid)  # requests left in flight when the run ended
    ordered = sorted(unloaded)
    figures["unloaded_ms"] = {
        "requests": len(ordered),
        "median": ordered[len(ordered) // 2],
        "min": ordered[0],
    }
    figures["targets"] = TARGETS[name]
    figures["paths"] = len(paths)
    return figures


def show(name: str, f: dict[str, Any]) -> None:
    cpu = f["cpu"]
    target = f["targets"]
    wants = f"target p95 ≤ {target['p95_ms']:.0f} ms" + (
        f", ≥ {target['rps']:.0f} req/s" if "rps" in target else ""
    )
    print(
        f"\n{name}: {f['requests']} requests in {f['duration_s']:.1f} s = {f['rps']:.1f} req/s   ({wants})\n"
        f"  latency ms: p50 {f['p50_ms']:.1f}  p95 {f['p95_ms']:.1f}  p99 {f['p99_ms']:.1f}  "
        f"max {f['max_ms']:.1f}  mean {f['mean_ms']:.1f}\n"
        f"  unloaded (one request at a time): median {f['unloaded_ms']['median']:.1f} ms over "
        f"{f['unloaded_ms']['requests']} requests; server drained {f['drain_after_s']:.1f} s after the run\n"
        f"  errors: {f['errors']} (non-200 {f['non_200']}, transport {f['transport_errors']})\n"
        f"  CPU (% of one core): load generator {cpu['client_cpu_pct_of_core']:.1f}, "
        f"server {cpu['server_cpu_pct_of_core']:.1f}, PostgreSQL {cpu['postgres_cpu_pct_of_core']:.1f}; "
        f"machine busy {cpu['machine_busy_pct']:.1f}% of {cpu['machine_cores']} cores"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("CAREPOOL_TEST_POSTGRES_URL"), help="PostgreSQL URL")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration of each run")
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="sequential warm-up requests before the overview run (a fifth of it, at least 1, before the dashboard)",
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients, each signed in")
    parser.add_argument("--max-requests", type=int, default=20_000, help="hard cap on requests per run")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (one per core)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (carepool serve's default)"
    )
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    parser.add_argument("--only", choices=["overview", "dashboard"], help="run one page only")
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db URL (or `source scripts/pg-test-server` first)")
    if not (1 <= args.clients <= 200 and 0 < args.seconds <= 600 and 0 < args.max_requests <= 1_000_000):
        parser.error("--clients 1..200, --seconds up to 600, --max-requests up to 1,000,000")

    import carepool

    print(f"carepool from {Path(carepool.__file__).parent}")
    plan_ids = prepare(args.db)
    args.postmaster = postmaster_pid(args.db)
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="carepool-web-load-") as tmp:
        work = Path(tmp)
        server = start_server(args.db, port, args.workers, args.threads, work / "server.log")
        print(
            f"server: carepool serve (gunicorn, {args.workers} workers × {args.threads} threads) "
            f"on http://{HOST}:{port}/ pid {server.pid}"
        )
        try:
            cookies = [sign_in(port) for _ in range(args.clients)]
            print(
                f"signed in {len(cookies)} clients (distinct cookies: {len(set(cookies))}); load by {args.client}"
            )
            pages = {
                "overview": [f"/plans/{urllib.parse.quote(p)}" for p in plan_ids],
                "dashboard": ["/dashboard"],
            }
            results: dict[str, Any] = {}
            for name, paths in pages.items():
                if args.only and name != args.only:
                    continue
                results[name] = measure(name, args, port, server.pid, cookies, paths, work)
                show(name, results[name])
        finally:
            stop_server(server)
            print(f"\nserver stopped (exit {server.returncode})")
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cores": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),  # the machine may be shared: other work shows here
        },
        "carepool_source": str(Path(carepool.__file__).parent),
        "settings": {
            "clients": args.clients,
            "seconds": args.seconds,
            "warmup_requests": args.warmup,
            "max_requests": args.max_requests,
            "server_workers": args.workers,
            "server_threads": args.threads,
            "client": args.client,
            "plans": len(plan_ids),
        },
        "results": results,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for target in (RESULTS / f"web-load-{stamp}.json", RESULTS / "web-load-latest.json"):
        target.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {RESULTS / f'web-load-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

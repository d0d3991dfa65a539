"""`make bench`: the main pages under load, against the bare-Django floor, on PostgreSQL.

1. A benchmark database (default `partnerportal_bench` on the machine's PostgreSQL) with
   the demo data and `seed_scale` (kept between runs; `--fresh` rebuilds it), vacuumed
   and analyzed.
2. gunicorn serving it with BENCH=1 (query-count header and the floor page).
3. Each page requested once as its role (status and queries), then driven by wrk with
   16 connections for a fixed duration, in rounds alternating with the floor page (the
   base layout and nothing else) driven the same way as the same person.
4. The renewal-scan, compliance and invoice-PDF benchmark commands.
5. docs/benchmarks.md (tables, machine, load, date, dataset) and docs/benchmarks/raw-*.json.

Pages whose URL name does not exist are skipped with a note.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PASSWORD = "demo-pass-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BUDGET_P95_MS = 150
BUDGET_FLOOR_SHARE = 0.40
BUDGET_QUERIES = 12
FLOOR_PATH = "/bench/floor/"
FLOOR_KEYS = ("rps", "p50_ms", "p95_ms", "p99_ms", "cpu_ms")


def django_env(args):
    return {
        **os.environ,
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "REDIS_URL": args.redis,
        "DEBUG": "false",
        "BENCH": "1",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }


def manage(args, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=django_env(args), check=True)


def prepare_database(args):
    admin = f"{args.postgres}/postgres"
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{args.database}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if args.fresh and exists:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE {args.database}"], check=True)
        exists = ""
    if not exists:
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {args.database}"], check=True)
    manage(args, "collectstatic", "--no-input", "-v0")
    manage(args, "migrate", "--no-input", "-v0")
    manage(args, "seed_demo")
    started = time.monotonic()
    loaded = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "seed_scale",
            "--orgs",
            str(args.orgs),
            "--subscriptions",
            str(args.subscriptions),
            "--tickets",
            str(args.tickets),
            "--invoices",
            str(args.invoices),
        ],
        cwd=ROOT,
        env=django_env(args),
        capture_output=True,
        text=True,
    )
    if loaded.returncode == 0:
        print(loaded.stdout, end="")
        print(f"seed_scale took {time.monotonic() - started:.0f} s")
    elif "already loaded" in loaded.stderr:
        print("Scale data already loaded (use --fresh to rebuild).")
    else:
        print(loaded.stdout, loaded.stderr)
        raise SystemExit("seed_scale failed")
    # As autovacuum leaves a live database: statistics, and the visibility map that lets
    # index-only scans skip the table.
    subprocess.run(
        ["psql", f"{args.postgres}/{args.database}", "-qc", "VACUUM (ANALYZE)"], check=True
    )


def start_server(args):
    command = [
        shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn",
        "partnerportal.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-" if args.verbose else "/dev/null",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=django_env(args))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Session:
    """A signed-in browser stand-in: cookies, CSRF, TOTP for staff."""

    def __init__(self, base, email):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.log_in(email)

    def get(self, path):
        response = self.opener.open(self.base + path, timeout=30)
        return response.status, response.headers, response.read().decode(errors="replace")

    def post_form(self, path, fields):
        page = self.get(path)[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        response = self.opener.open(request, timeout=30)
        return response.geturl()

    def log_in(self, email):
        landed = self.post_form("/accounts/login/", {"login": email, "password": PASSWORD})
        if "/2fa/authenticate" in landed:
            import pyotp

            self.post_form("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()})

    @property
    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def page_list(args):
    """(role email, page name, path) — paths with ids are looked up in the database."""
    os.environ.update(django_env(args))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerportal.settings")
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from scripts.bench.pages import PAGES

    pages = []
    for role, name, url_name, lookup, query in PAGES:
        try:
            kwargs = lookup() if lookup else {}
            path = reverse(url_name, kwargs=kwargs) + query
        except (NoReverseMatch, LookupError, ImportError) as error:
            pages.append((role, name, None, f"skipped: {type(error).__name__}: {error}"))
            continue
        pages.append((role, name, path, None))
    return pages


def cpu_seconds():
    """Busy CPU time of the whole machine so far (user, nice, system, irq, softirq, steal
    from /proc/stat): gunicorn, PostgreSQL (backends that come and go with CONN_MAX_AGE,
    vacuum), Redis and wrk alike. Per-process sampling missed the CPU of processes that
    exited during a run and of PostgreSQL's other processes."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def probe(session, path):
    """The page once, as wrk will request it: its status and its query count."""
    status, headers, _ = session.get(path)
    return {"status": status, "queries": int(headers.get("X-Query-Count", -1))}


def drive(args, session, path, seconds):
    command = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(ROOT / "scripts/bench/wrk.lua"),
        "-H",
        f"Cookie: {session.cookie_header}",
        f"http://127.0.0.1:{args.port}{path}",
    ]
    cpu_before = cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds() - cpu_before
    figures = json.loads(output.strip().splitlines()[-1])
    return {
        "requests": figures["requests"],
        "seconds": figures["duration_us"] / 1e6,
        "cpu_seconds": cpu,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["status_errors"] + figures["socket_errors"],
        "load": os.getloadavg()[0],
    }


def combine(probed, runs):
    """One figure from a page's rounds: throughput and CPU over all its requests; each
    latency percentile the median of the rounds' (wrk reports percentiles per run)."""

    def median(key):
        return sorted(run[key] for run in runs)[len(runs) // 2]

    requests = sum(run["requests"] for run in runs)
    return {
        **probed,
        "requests": requests,
        "rounds": len(runs),
        "rps": requests / sum(run["seconds"] for run in runs),
        "p50_ms": median("p50_ms"),
        "p95_ms": median("p95_ms"),
        "p99_ms": median("p99_ms"),
        "errors": sum(run["errors"] for run in runs),
        "load": runs[-1]["load"],
        "cpu_ms": sum(run["cpu_seconds"] for run in runs) * 1000 / max(1, requests),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="partnerportal_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--invoices", type=int, default=300_000)
    parser.add_argument("--duration", type=int, default=12, help="seconds of load per page")
    parser.add_argument(
        "--rounds", type=int, default=3, help="floor and page alternate, duration/rounds each"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8950)
    parser.add_argument("--only", help="regex on page names")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the database, drive nothing"
    )
    parser.add_argument(
        "--skip-commands", action="store_true", help="no renewal/compliance/PDF benchmarks"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install -y wrk` (make bench does it)")

    prepare_database(args)
    if args.prepare_only:
        return
    pages = page_list(args)
    server = start_server(args)
    base = f"http://127.0.0.1:{args.port}"
    results, sessions = [], {}
    load = {"start": os.getloadavg()}
    try:
        for role, name, path, skipped in pages:
            if args.only and not re.search(args.only, name):
                continue
            if skipped:
                results.append({"role": role, "page": name, "skipped": skipped})
                print(f"{name:45} {skipped}")
                continue
            session = sessions.get(role) or sessions.setdefault(role, Session(base, role))
            # The floor as the same person, alternating with the page in rounds: the same
            # base layout and sign-in (staff: TOTP check, permissions), and whatever the
            # machine does meanwhile falls on both alike.
            seconds = max(1, round(args.duration / args.rounds))
            probed_floor, probed_page = probe(session, FLOOR_PATH), probe(session, path)
            floors, pages_runs = [], []
            for _ in range(args.rounds):
                floors.append(drive(args, session, FLOOR_PATH, seconds))
                pages_runs.append(drive(args, session, path, seconds))
            floor, figures = combine(probed_floor, floors), combine(probed_page, pages_runs)
            figures["floor_rps"] = floor["rps"]
            figures["floor_cpu_ms"] = floor["cpu_ms"]
            results.append({"role": role, "page": f"floor as {role}", "path": FLOOR_PATH, **floor})
            results.append({"role": role, "page": name, "path": path, **figures})
            print(
                f"{name:30} {figures['rps']:7.1f} req/s ({figures['rps'] / floor['rps']:4.0%} of "
                f"{floor['rps']:5.1f})  p95 {figures['p95_ms']:6.1f} ms  "
                f"{figures['queries']:3d} queries  {figures['errors']} errors  "
                f"CPU {figures['cpu_ms']:.1f} ms/req (floor {floor['cpu_ms']:.1f})  "
                f"load {figures['load']:.2f}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load["end"] = os.getloadavg()
    commands = [] if args.skip_commands or args.only else run_budget_commands(args)
    write_report(args, results, commands, load)


# The other budgets of issue 8, measured by each app's own command (each rolls back).
BUDGET_COMMANDS = [
    ("renewal scan of 100,000 subscriptions", ["bench_renewal_scan"], "under 10 s"),
    ("compliance of 10,000 partners", ["benchmark_compliance"], "under 60 s"),
    ("invoice PDF", ["benchmark_invoice_pdf"], "median under 300 ms"),
]


def run_budget_commands(args):
    measured = []
    for label, command, budget in BUDGET_COMMANDS:
        load = os.getloadavg()[0]
        started = time.monotonic()
        done = subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=django_env(args),
            capture_output=True,
            text=True,
        )
        output = (done.stdout + done.stderr).strip()
        measured.append(
            {
                "label": label,
                "command": " ".join(command),
                "budget": budget,
                "seconds": round(time.monotonic() - started, 1),
                "load": round(load, 2),
                "output": output,
            }
        )
        print(f"{label}: {output}")
    return measured


def write_report(args, results, commands, load):
    stamp = datetime.now(UTC)
    raw_dir = ROOT / "docs/benchmarks"
    raw_dir.mkdir(parents=True, exist_ok=True)
    raw = {
        "date": stamp.isoformat(),
        "machine": machine(),
        "load_average": load,
        "args": vars(args),
        "results": results,
        "commands": commands,
    }
    raw_name = f"raw-{stamp:%Y%m%d-%H%M%S}.json"
    (raw_dir / raw_name).write_text(json.dumps(raw, indent=2))

    floors = {}
    for r in results:
        if r["page"].startswith("floor") and "rps" in r:
            floors.setdefault(r["role"], []).append(r)
    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {stamp:%Y-%m-%d %H:%M} UTC. Machine: {machine()}. "
        f"Load average (1 min) {load['start'][0]:.2f} at the start, {load['end'][0]:.2f} at "
        "the end: the machine is shared, and figures taken while it is busy are low.",
        "",
        f"Dataset: demo data plus `seed_scale --orgs {args.orgs} --subscriptions "
        f"{args.subscriptions} --tickets {args.tickets} --invoices {args.invoices}` on "
        f"PostgreSQL; gunicorn with {args.workers} sync workers; wrk, {args.connections} "
        f"connections, {args.duration} s per page in {args.rounds} rounds alternating with "
        "the floor, on the same machine.",
        "",
        "Each page is compared with the floor, `/bench/floor/`: the portal's base layout "
        "rendered by a view that does nothing else, as the same signed-in person (so a "
        "staff page's floor includes the staff sign-in checks), driven in turn with the "
        "page: floor, page, floor, page... Requests per second and CPU are over all the "
        "rounds' requests; each latency percentile is the median of the rounds'.",
        "",
        f"Budgets: p95 under {BUDGET_P95_MS} ms, at least {BUDGET_FLOOR_SHARE:.0%} of the "
        f"floor's requests per second, at most {BUDGET_QUERIES} queries per page.",
        "",
        "CPU ms/req is the machine's busy CPU time during the run per request (the page's, "
        "then its floor's): gunicorn, PostgreSQL, Redis and wrk together, and whatever else "
        "ran meanwhile (the load column says how busy the machine was).",
        "",
        "| page | as | req/s | floor req/s | % of floor | p50 ms | p95 ms | p99 ms | errors "
        "| queries | CPU ms/req | load | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r["page"].startswith("floor"):
            continue
        if "skipped" in r:
            lines.append(
                f"| {r['page']} | {r['role']} | – | – | – | – | – | – | – | – | – | – | "
                f"{r['skipped']} |"
            )
            continue
        share = r["rps"] / r["floor_rps"] if r["floor_rps"] else 0
        misses = []
        if r["p95_ms"] >= BUDGET_P95_MS:
            misses.append("p95")
        if share < BUDGET_FLOOR_SHARE:
            misses.append("throughput")
        if r["queries"] > BUDGET_QUERIES:
            misses.append("queries")
        if r["errors"] or r["status"] != 200:
            misses.append("errors")
        lines.append(
            f"| {r['page']} | {r['role']} | {r['rps']:.1f} | {r['floor_rps']:.1f} | "
            f"{share:.0%} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['errors']} | {r['queries']} | {r['cpu_ms']:.1f} / {r['floor_cpu_ms']:.1f} | "
            f"{r['load']:.2f} | "
            f"{'met' if not misses else 'MISSED: ' + ', '.join(misses)} |"
        )
    lines += [
        "",
        "Floors (the bare view as each person; mean over that person's pages):",
        "",
        "| as | req/s | p50 ms | p95 ms | p99 ms | queries | CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for role, runs in floors.items():
        mean = {key: sum(run[key] for run in runs) / len(runs) for key in FLOOR_KEYS}
        lines.append(
            f"| {role} | {mean['rps']:.1f} | {mean['p50_ms']:.1f} | {mean['p95_ms']:.1f} | "
            f"{mean['p99_ms']:.1f} | {runs[0]['queries']} | {mean['cpu_ms']:.1f} |"
        )
    if commands:
        lines += ["", "Other budgets (each app's benchmark command, on the same database):", ""]
        lines += ["| what | budget | load | result |", "|---|---|---:|---|"]
        for c in commands:
            result = " ".join(c["output"].split())
            lines.append(
                f"| {c['label']} (`{c['command']}`) | {c['budget']} | {c['load']:.2f} | {result} |"
            )
    lines += [
        "",
        f"Raw results: `docs/benchmarks/{raw_name}`. What was changed for these budgets, and "
        "why the misses remain: [`performance.md`](performance.md).",
        "",
    ]
    (ROOT / "docs/benchmarks.md").write_text("\n".join(lines))
    print(f"Wrote docs/benchmarks.md ({len(results)} rows)")


def machine():
    cpus = os.cpu_count()
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


if __name__ == "__main__":
    main()

"""`make bench`: the main pages under load, against the bare-Django floor, on PostgreSQL.

1. A benchmark database (default `partnerportal_bench` on the machine's PostgreSQL) with
   the demo data and `seed_scale` (kept between runs; `--fresh` rebuilds it), vacuumed
   and analyzed.
2. gunicorn serving it with BENCH=1 (query-count header and the floor page).
3. Each page requested once as its role (status and queries), then driven by wrk with
   16 connections for a fixed duration; the floor page the same way, in the same run.
4. docs/benchmarks.md (table, machine, date, dataset) and docs/benchmarks/raw-*.json.

Pages whose app is not installed yet are skipped with a note, so the list can name
every page the issue names.
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


def drive(args, session, path):
    status, headers, _ = session.get(path)
    queries = int(headers.get("X-Query-Count", -1))
    command = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "-s",
        str(ROOT / "scripts/bench/wrk.lua"),
        "-H",
        f"Cookie: {session.cookie_header}",
        f"http://127.0.0.1:{args.port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "status": status,
        "queries": queries,
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["status_errors"] + figures["socket_errors"],
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
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8950)
    parser.add_argument("--only", help="regex on page names")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the database, drive nothing"
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
    try:
        for role, name, path, skipped in [
            ("main@globex.example", "floor (bare view)", "/bench/floor/", None),
            *pages,
        ]:
            if args.only and not re.search(args.only, name) and "floor" not in name:
                continue
            if skipped:
                results.append({"role": role, "page": name, "skipped": skipped})
                print(f"{name:45} {skipped}")
                continue
            session = sessions.get(role) or sessions.setdefault(role, Session(base, role))
            figures = drive(args, session, path)
            results.append({"role": role, "page": name, "path": path, **figures})
            print(
                f"{name:45} {figures['rps']:7.1f} req/s  p95 {figures['p95_ms']:6.1f} ms  "
                f"{figures['queries']:3d} queries  {figures['errors']} errors"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    write_report(args, results)


def write_report(args, results):
    floor = next(r for r in results if r["page"].startswith("floor"))
    stamp = datetime.now(UTC)
    raw_dir = ROOT / "docs/benchmarks"
    raw_dir.mkdir(parents=True, exist_ok=True)
    raw = {"date": stamp.isoformat(), "machine": machine(), "args": vars(args), "results": results}
    (raw_dir / f"raw-{stamp:%Y%m%d-%H%M%S}.json").write_text(json.dumps(raw, indent=2))

    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {stamp:%Y-%m-%d %H:%M} UTC. Machine: {machine()}.",
        f"Dataset: demo data plus `seed_scale --orgs {args.orgs} --subscriptions "
        f"{args.subscriptions} --tickets {args.tickets} --invoices {args.invoices}` on "
        "PostgreSQL; gunicorn with "
        f"{args.workers} sync workers; wrk, {args.connections} connections, {args.duration} s "
        "per page, on the same machine.",
        "",
        f"Budgets: p95 under {BUDGET_P95_MS} ms, at least {BUDGET_FLOOR_SHARE:.0%} of the floor's "
        f"requests per second, at most {BUDGET_QUERIES} queries per page.",
        "",
        "| page | as | req/s | % of floor | p50 ms | p95 ms | p99 ms | errors | queries | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if "skipped" in r:
            lines.append(
                f"| {r['page']} | {r['role']} | – | – | – | – | – | – | – | {r['skipped']} |"
            )
            continue
        share = r["rps"] / floor["rps"] if floor["rps"] else 0
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
            f"| {r['page']} | {r['role']} | {r['rps']:.1f} | {share:.0%} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {r['queries']} | "
            f"{'met' if not misses else 'MISSED: ' + ', '.join(misses)} |"
        )
    lines += ["", f"Raw results: `docs/benchmarks/raw-{stamp:%Y%m%d-%H%M%S}.json`.", ""]
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

"""Time (and optionally profile) the bench pages in one process, without a server:
`python scripts/bench/profile_pages.py [--database partnerportal_bench] [--only REGEX]
[--profile]`. Milliseconds per request and queries, each page requested as its role
through Django's test client; --profile prints the top functions by cumulative time.
For finding where a page's time goes; `make bench` is the measurement."""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="partnerportal_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--only")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (e.g. tottime)")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    args = parser.parse_args()

    from scripts.bench.run import django_env

    os.environ.update(django_env(args))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerportal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from scripts.bench.pages import PAGES

    floors = [
        (role, f"floor as {role}", "bench_floor", None, "")
        for role in dict.fromkeys(role for role, *_ in PAGES)
    ]
    pages = floors + PAGES
    for role, name, url_name, lookup, query in pages:
        if args.only and not re.search(args.only, name):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(email=role))
        path = reverse(url_name, kwargs=lookup() if lookup else {}) + query
        for _ in range(3):
            response = client.get(path)
        profiler = cProfile.Profile() if args.profile else None
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        cpu_times = []
        for _ in range(args.runs):
            before = time.process_time()
            response = client.get(path)
            cpu_times.append(time.process_time() - before)
        if profiler:
            profiler.disable()
        ms = (time.perf_counter() - started) * 1000 / args.runs
        cpu_ms = (time.process_time() - started_cpu) * 1000 / args.runs
        median_cpu_ms = sorted(cpu_times)[len(cpu_times) // 2] * 1000
        print(
            f"{name:30} {response.status_code} {ms:7.1f} ms ({cpu_ms:5.1f} CPU, "
            f"median {median_cpu_ms:5.1f})  "
            f"{response.get('X-Query-Count', '?'):>3} queries  {len(response.content):>8,} bytes"
        )
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.top)
        if args.sql:
            from django.db import connection

            timings = []

            def timed(execute, sql, params, many, context, timings=timings):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timings.append(((time.perf_counter() - started) * 1000, sql, params))

            with connection.execute_wrapper(timed):
                client.get(path)
            for ms, sql, params in timings:
                print(f"  {ms:7.2f} ms  {sql[:400]}  {str(params)[:150]}")


if __name__ == "__main__":
    main()

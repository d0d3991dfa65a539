"""`python -m quality [GATE ...]`: serve the portal with demo data and run the gates.

Gates: deploy, bandit, semgrep (no server); links, vnu, axe (one crawl of every
role); wapiti. With no argument, all of them. Exit status 1 when any gate fails;
each failure names its page or file and line. Reports: reports/quality/.
"""

import argparse
import json
import shutil
import sys
import time

from quality import BASE_DIR, REPORTS_DIR, axe, crawl, server, static, vnu, waivers, wapiti
from quality.findings import Finding, GateResult

STATIC_GATES = ["deploy", "bandit", "semgrep"]
PAGE_GATES = ["links", "vnu", "axe"]
GATES = STATIC_GATES + PAGE_GATES + ["wapiti"]
PRINTED_PER_GATE = 40
CSS_FILES = [BASE_DIR / "static" / "css" / "site.css"]
WAPITI_ROLE = crawl.ROLES[4]  # customer-main: a Main Contact with forms to attack


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m quality", description=__doc__)
    parser.add_argument("gates", nargs="*", metavar="GATE", help=", ".join(GATES))
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    args = parser.parse_args(argv)
    unknown = set(args.gates) - set(GATES)
    if unknown:
        parser.error(f"unknown gate(s) {', '.join(sorted(unknown))}; gates: {', '.join(GATES)}")
    gates = args.gates or GATES
    started = time.monotonic()

    shutil.rmtree(REPORTS_DIR, ignore_errors=True)
    REPORTS_DIR.mkdir(parents=True)
    results = []
    for name, gate in (
        ("deploy", static.deploy_check),
        ("bandit", static.bandit),
        ("semgrep", static.semgrep),
    ):
        if name in gates:
            results.append(timed(name, lambda gate=gate: gate(REPORTS_DIR)))
    if set(gates) & {*PAGE_GATES, "wapiti"}:
        results += served_gates(gates, args.port)

    write_summary(results, time.monotonic() - started)
    return 0 if all(result.passed for result in results) else 1


def timed(name, run):
    print(f"--- {name}", flush=True)
    started = time.monotonic()
    try:
        findings, figures = run()
        result = GateResult(name, findings, figures)
    except Exception as error:  # noqa: BLE001 - a checker that cannot run fails its gate
        result = GateResult(name, [], {}, error=f"{type(error).__name__}: {error}")
    result.seconds = round(time.monotonic() - started, 1)
    report(result)
    return result


def served_gates(gates, port):
    from quality.browser import chromium

    var_dir = BASE_DIR / "var" / "quality"
    results = []
    print("--- serving the portal with demo data", flush=True)
    with server.serve(var_dir, port=port) as base_url:
        print(f"    {base_url} (log: {var_dir / 'server.log'})", flush=True)
        pages, cookie = [], None
        with chromium() as browser:
            if set(gates) & set(PAGE_GATES):
                print("--- crawl", flush=True)
                crawl_started = time.monotonic()
                pages = crawl.crawl(browser, base_url, run_axe="axe" in gates, on_role=print_role)
                print(f"    {len(pages)} pages in {time.monotonic() - crawl_started:.0f} s")
                write_json("pages.json", [page_summary(page) for page in pages])
            if "wapiti" in gates:
                cookie = crawl.session_cookie(browser, base_url, WAPITI_ROLE)
        if "links" in gates:
            results.append(timed("links", lambda: links_gate(pages)))
        if "vnu" in gates:
            results.append(timed("vnu", lambda: vnu_gate(pages)))
        if "axe" in gates:
            results.append(timed("axe", lambda: axe_gate(pages)))
        if "wapiti" in gates:
            results.append(timed("wapiti", lambda: wapiti_gate(base_url, var_dir, cookie)))
    return results


def print_role(role, pages):
    print(f"    {role.name}: {len(pages)} pages", flush=True)


def page_summary(page):
    return {
        "role": page.role,
        "path": page.path,
        "final_path": page.final_path,
        "status": page.status,
        "content_type": page.content_type,
        "linked_from": page.linked_from,
        "axe": [v["id"] for v in page.violations],
        "console_errors": page.console_errors,
        "error": page.error,
    }


def links_gate(pages):
    """Every page a link leads to answers, below 400 (the 404 probe excepted)."""
    findings = []
    for page in pages:
        expected = 404 if page.path == crawl.NOT_FOUND_PROBE else None
        if page.error or (page.status >= 400 and page.status != expected):
            problem = page.error or f"answered {page.status}"
            findings.append(
                Finding("links", page.label, f"{problem} (linked from {page.linked_from})")
            )
    console = [(page.label, text) for page in pages for text in page.console_errors]
    write_json("console-errors.json", console)
    roles = sorted({page.role for page in pages})
    return findings, {
        "roles": len(roles),
        "pages": len(pages),
        "html_pages": sum(page.is_html for page in pages),
        "console_errors": len(console),
    }


def vnu_gate(pages):
    documents = {page.label: page.html for page in pages if page.is_html}
    errors, warnings = vnu.check_documents(documents, css_files=CSS_FILES)
    failing, waived, unused = waivers.split(errors)
    write_json("vnu.json", {"errors": errors, "waived": waived, "warnings": warnings})
    return failing, {
        "documents": len(documents) + len(CSS_FILES),
        "errors": len(failing),
        "waived": len(waived),
        "warnings": len(warnings),
        "unused_waivers": [w.reason for w in unused if w.gate == "vnu"],
    }


def axe_gate(pages):
    failing, other = [], []
    for page in pages:
        if page.is_html:
            page_failing, page_other = axe.findings(page.label, page.violations)
            failing += page_failing
            other += page_other
    failing, waived, unused = waivers.split(failing)
    write_json("axe.json", {"serious_or_critical": failing, "waived": waived, "other": other})
    return failing, {
        "pages": sum(page.is_html for page in pages),
        "serious_or_critical": len(failing),
        "waived": len(waived),
        "moderate_or_minor": len(other),
        "unused_waivers": [w.reason for w in unused if w.gate == "axe"],
    }


def wapiti_gate(base_url, var_dir, cookie):
    scans = [
        wapiti.start(base_url, "anonymous", var_dir),
        wapiti.start(base_url, WAPITI_ROLE.name, var_dir, cookie=cookie),
    ]
    failing, seen, figures = [], [], {}
    for scan in scans:
        report = wapiti.finish(scan)
        shutil.copy(scan["report"], REPORTS_DIR / scan["report"].name)
        scan_failing, scan_seen = wapiti.findings(scan["name"], report)
        failing += scan_failing
        seen += scan_seen
        figures[scan["name"]] = {
            "urls_and_forms": len((report.get("infos") or {}).get("crawled_pages", []))
            or (report.get("infos") or {}).get("crawled_pages_nbr"),
            "findings": len(scan_seen),
            "failing": len(scan_failing),
        }
    levels = {}
    for finding in seen:
        levels[finding.severity] = levels.get(finding.severity, 0) + 1
    figures["findings_by_level"] = levels
    write_json("wapiti-findings.json", {"failing": failing, "all": seen})
    return failing, figures


def write_json(name, data):
    def default(value):
        return value.as_dict() if isinstance(value, Finding) else str(value)

    (REPORTS_DIR / name).write_text(json.dumps(data, indent=1, default=default))


def report(result):
    if result.error:
        print(f"FAIL {result.name}: the checker could not run: {result.error}")
    for finding in result.findings[:PRINTED_PER_GATE]:
        print(f"FAIL {finding}")
    if len(result.findings) > PRINTED_PER_GATE:
        print(f"FAIL {result.name}: {len(result.findings) - PRINTED_PER_GATE} more in reports/")
    state = "passed" if result.passed else "FAILED"
    print(f"    {result.name} {state} in {result.seconds} s: {json.dumps(result.figures)}")
    sys.stdout.flush()


def write_summary(results, seconds):
    summary = {
        "seconds": round(seconds),
        "gates": {
            r.name: {
                "passed": r.passed,
                "seconds": r.seconds,
                "findings": len(r.findings),
                "error": r.error,
                "figures": r.figures,
            }
            for r in results
        },
    }
    write_json("summary.json", summary)
    print(f"=== quality gates in {seconds:.0f} s (reports: {REPORTS_DIR.relative_to(BASE_DIR)})")
    for r in results:
        print(f"    {'ok  ' if r.passed else 'FAIL'} {r.name:8} {len(r.findings)} finding(s)")


if __name__ == "__main__":
    sys.exit(main())

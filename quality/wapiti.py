"""wapiti (PyPI `wapiti3`, in its own virtualenv .venv-wapiti) against the served portal.

Two scans: anonymous, and with the session cookie of a logged-in customer Main
Contact. The logout URL is excluded; modules that need the internet (ssrf,
nikto, wapp, log4shell, xxe's out-of-band endpoint, takeover) are left out, and
so are ssl and https_redirect, which are about TLS that loopback does not have.
Each scan is bounded in time.
"""

import json
import subprocess
from pathlib import Path

from quality import BASE_DIR
from quality.findings import Finding

WAPITI = BASE_DIR / ".venv-wapiti" / "bin" / "wapiti"
MODULES = [
    "exec",
    "file",
    "sql",
    "xss",
    "permanentxss",
    "redirect",
    "crlf",
    "upload",
    "csrf",
    "methods",
    "http_headers",
    "csp",
    "cookieflags",
    "backup",
    "htaccess",
]
MAX_SCAN_SECONDS = 100
MAX_ATTACK_SECONDS = 20
FAILING_LEVEL = 3  # wapiti: 1 low, 2 medium, 3 high, 4 critical
# Categories that report a missing or weak security header: any finding fails.
HEADER_CATEGORIES = {
    "HTTP Secure Headers",
    "Content Security Policy Configuration",
    "Clickjacking Protection",
    "MIME Type Confusion",
    "HTTP Strict Transport Security (HSTS)",
}


def command(base_url, report, session_dir, *, cookie=None):
    base_url = base_url.rstrip("/")
    args = [
        str(WAPITI),
        "--url",
        f"{base_url}/",
        "--scope",
        "folder",
        "--module",
        ",".join(MODULES),
        "--exclude",
        f"{base_url}/accounts/logout/*",
        "--exclude",
        f"{base_url}/admin/logout/*",
        "--max-scan-time",
        str(MAX_SCAN_SECONDS),
        "--max-attack-time",
        str(MAX_ATTACK_SECONDS),
        "--depth",
        "8",
        "--tasks",
        "4",
        "--timeout",
        "10",
        "--flush-session",
        "--store-session",
        str(session_dir),
        "--store-config",
        str(session_dir / "config"),
        "--no-bugreport",
        "--verbose",
        "1",
        "--format",
        "json",
        "--output",
        str(report),
    ]
    if cookie:
        args += ["--cookie-value", cookie]
    return args


def start(base_url, name, work_dir, *, cookie=None):
    """Start one scan in the background; `finish` reads its report."""
    if not WAPITI.exists():
        raise RuntimeError(f"{WAPITI} is missing: run `make quality-tools`")
    work_dir = Path(work_dir)
    session_dir = work_dir / f"wapiti-{name}-session"
    (session_dir / "config").mkdir(parents=True, exist_ok=True)
    report = work_dir / f"wapiti-{name}.json"
    log = open(work_dir / f"wapiti-{name}.log", "w")  # noqa: SIM115 - closed in finish()
    process = subprocess.Popen(  # noqa: S603
        command(base_url, report, session_dir, cookie=cookie),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=work_dir,
    )
    return {"name": name, "process": process, "report": report, "log": log}


def finish(scan, timeout=MAX_SCAN_SECONDS * 3):
    try:
        scan["process"].wait(timeout=timeout)
    finally:
        if scan["process"].poll() is None:
            scan["process"].kill()
        scan["log"].close()
    if not scan["report"].exists():
        raise RuntimeError(f"wapiti ({scan['name']}) wrote no report: see {scan['log'].name}")
    return json.loads(scan["report"].read_text())


def findings(name, report):
    """(failures, all findings) of one wapiti JSON report."""
    failing, seen = [], []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(kind) or {}).items():
            for item in items:
                level = int(item.get("level") or 0)
                where = f"{name} {item.get('method', 'GET')} {item.get('path', '?')}"
                if item.get("parameter"):
                    where += f" parameter {item['parameter']}"
                finding = Finding(
                    "wapiti",
                    where,
                    f"{category} (level {level}): {item.get('info', '')}",
                    severity=str(level),
                    details={"category": category, "curl": item.get("curl_command", "")},
                )
                seen.append(finding)
                if level >= FAILING_LEVEL or category in HEADER_CATEGORIES:
                    failing.append(finding)
    return failing, seen

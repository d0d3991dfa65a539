"""The gates that need no server: Django's deploy checks, bandit, project semgrep rules."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from quality import BASE_DIR, PACKAGE_DIR
from quality.findings import Finding

SEMGREP = BASE_DIR / ".venv-semgrep" / "bin" / "semgrep"
SEMGREP_RULES = PACKAGE_DIR / "semgrep" / "rules.yml"
SEMGREP_EXAMPLES = PACKAGE_DIR / "semgrep" / "examples"
NOT_PROJECT_PACKAGES = {"tests", "quality"}


def project_packages():
    """The project's own Python packages (apps and the settings package), found, not listed."""
    return sorted(
        path.name
        for path in BASE_DIR.iterdir()
        if (path / "__init__.py").exists() and path.name not in NOT_PROJECT_PACKAGES
    )


def production_env():
    """What production sets (README): DEBUG off, a real key, real hosts, database, broker, mail."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE"))
        and k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "VAR_DIR")
    }
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.opennebula.io",
        "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    }


def deploy_check(report_dir):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    (report_dir / "deploy-check.txt").write_text(output)
    findings = [
        Finding("deploy", "manage.py check --deploy", line.strip())
        for line in output.splitlines()
        if re.match(r"^\S+: \((\w+\.)?[EW]\d+\)", line.strip()) or line.startswith("?: (")
    ]
    if result.returncode != 0 and not findings:
        findings.append(Finding("deploy", "manage.py check --deploy", output.strip()[-2000:]))
    return findings, {"issues": len(findings)}


def bandit(report_dir):
    packages = project_packages()
    bandit_bin = str(Path(sys.executable).parent / "bandit")
    # The full report (every severity and confidence), kept as an artifact.
    subprocess.run(  # noqa: S603
        [bandit_bin, "-r", *packages, "-f", "txt", "-o", str(report_dir / "bandit.txt"), "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    full = subprocess.run(  # noqa: S603
        [bandit_bin, "-r", *packages, "-f", "json", "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (report_dir / "bandit.json").write_text(full.stdout)
    # The gate: high severity and high confidence only (-lll -iii).
    gate = subprocess.run(  # noqa: S603
        [bandit_bin, "-r", *packages, "-lll", "-iii", "-f", "json", "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        results = json.loads(gate.stdout)["results"]
        everything = json.loads(full.stdout)["results"]
    except (ValueError, KeyError) as error:
        raise RuntimeError(f"bandit gave no JSON report: {gate.stderr[-2000:]}") from error
    findings = [
        Finding(
            "bandit",
            f"{r['filename']}:{r['line_number']}",
            f"{r['test_id']} {r['issue_text']} (severity {r['issue_severity']},"
            f" confidence {r['issue_confidence']})",
        )
        for r in results
    ]
    by_severity = {}
    for r in everything:
        by_severity[r["issue_severity"].lower()] = (
            by_severity.get(r["issue_severity"].lower(), 0) + 1
        )
    return findings, {"packages": packages, "high_high": len(findings), "all": by_severity}


def tenant_models():
    """Names of the models that name a `tenant_path` (accounts/tenancy.py)."""
    script = (
        "from django.apps import apps\n"
        "names = {m.__name__ for m in apps.get_models() if hasattr(m, 'tenant_path')}\n"
        "print(' '.join(sorted(names)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env=env | {"DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def semgrep(report_dir):
    if not SEMGREP.exists():
        raise RuntimeError(f"{SEMGREP} is missing: run `make quality-tools`")
    models = tenant_models()
    rules = report_dir / "semgrep-rules.yml"
    rules.write_text(SEMGREP_RULES.read_text().replace("__TENANT_MODELS__", "|".join(models)))
    packages = project_packages()
    result = subprocess.run(  # noqa: S603
        [
            str(SEMGREP),
            "scan",
            "--metrics=off",
            "--disable-version-check",
            "--quiet",
            "--json",
            "--config",
            str(rules),
            *packages,
            str(SEMGREP_EXAMPLES.relative_to(BASE_DIR)),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (report_dir / "semgrep.json").write_text(result.stdout)
    try:
        report = json.loads(result.stdout)
    except ValueError as error:
        raise RuntimeError(f"semgrep gave no JSON report: {result.stderr[-2000:]}") from error
    findings, found_in_examples = [], set()
    for item in report["results"]:
        rule = item["check_id"].rsplit(".", 1)[-1]
        path, line = item["path"], item["start"]["line"]
        if Path(path).is_relative_to(SEMGREP_EXAMPLES.relative_to(BASE_DIR)):
            found_in_examples.add((path, line, rule))
            continue
        message = " ".join(item["extra"]["message"].split())
        findings.append(Finding("semgrep", f"{path}:{line}", f"{rule}: {message}"))
    for error in report.get("errors", []):
        findings.append(Finding("semgrep", error.get("path", "semgrep"), error.get("message", "")))
    # The rules must still find what they were written for (and nothing else) in the examples.
    expected = _annotated(SEMGREP_EXAMPLES)
    for path, line, rule in sorted(expected - found_in_examples):
        findings.append(Finding("semgrep", f"{path}:{line}", f"rule {rule} no longer finds this"))
    for path, line, rule in sorted(found_in_examples - expected):
        findings.append(Finding("semgrep", f"{path}:{line}", f"rule {rule} finds this good code"))
    return findings, {
        "rules": len(re.findall(r"^  - id: ", SEMGREP_RULES.read_text(), re.M)),
        "tenant_models": models,
        "packages": packages,
        "project_findings": len(findings),
        "examples_proven": len(expected & found_in_examples),
    }


def _annotated(folder):
    """{(path, line, rule)} from `# ruleid: rule` comments (the next line must be found)."""
    expected = set()
    for path in sorted(folder.rglob("*.py")):
        lines = path.read_text().splitlines()
        for number, text in enumerate(lines, start=1):
            match = re.search(r"#\s*ruleid:\s*([\w-]+)", text)
            if match:
                expected.add((str(path.relative_to(BASE_DIR)), number + 1, match.group(1)))
    return expected

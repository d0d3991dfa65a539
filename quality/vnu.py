"""Nu HTML Checker (npm `vnu-jar`, run with the machine's Java) on HTML documents.

The documents are written to files and checked in one JVM run; a page's HTML
is what the server sent (not the browser's DOM), as a browser receives it.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from quality import NODE_MODULES
from quality.findings import Finding

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def java():
    executable = shutil.which("java")
    if executable is None:
        raise RuntimeError("java is missing: scripts/ensure-java installs Debian's JRE")
    if not VNU_JAR.exists():
        raise RuntimeError(f"{VNU_JAR} is missing: run `make quality-tools` (npm ci)")
    return executable


def check_documents(documents, *, css_files=()):
    """Validate {label: html}; return (errors, warnings) as Findings labelled per document.

    Labels say where a document came from ("customer-main GET /dashboard/"), so a
    failure names the page. CSS files given by path are checked as CSS.
    """
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        files = {}
        for index, (label, html) in enumerate(documents.items()):
            path = Path(tmp) / f"page-{index:04d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.resolve().as_uri()] = label
        for css in css_files:
            files[Path(css).resolve().as_uri()] = str(css)
        if not files:
            return [], []
        command = [
            java(),
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *(["--also-check-css"] if css_files else []),
            *(uri.removeprefix("file://") for uri in files),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise RuntimeError(f"vnu gave no JSON report: {result.stderr[:2000]}") from error
    errors, warnings = [], []
    for message in messages:
        label = files.get(_file_uri(message.get("url", "")), message.get("url", "?"))
        where = f"{label} line {message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        text = message.get("message", "")
        extract = (message.get("extract") or "").replace("\n", " ")
        finding = Finding("vnu", where, text, details={"extract": extract})
        if message.get("type") in ("error", "non-document-error"):
            errors.append(finding)
        elif message.get("subType") == "warning":
            finding.severity = "warning"
            warnings.append(finding)
    return errors, warnings


def _file_uri(url):
    # vnu reports file:/tmp/x.html; pathlib gives file:///tmp/x.html.
    return "file://" + url.removeprefix("file:") if url.startswith("file:/") else url

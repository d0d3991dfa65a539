"""axe-core (npm `axe-core`) run by Playwright inside Debian's Chromium.

axe is added as an init script of the browser context, so it is there on every
page without an inline <script> that the portal's Content-Security-Policy would
(rightly) refuse.
"""

from quality import NODE_MODULES
from quality.findings import Finding

AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


def install(context):
    """Make axe available on every page that this browser context opens."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make quality-tools` (npm ci)")
    context.add_init_script(path=str(AXE_JS))


def run(page):
    """axe's violations of the WCAG 2.x A/AA rules on the page as it is now."""
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(" ")),
                summaries: v.nodes.map(n => n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )


def findings(label, violations):
    """Split violations into failures (serious, critical) and the rest (reported only)."""
    failing, other = [], []
    for violation in violations:
        finding = Finding(
            "axe",
            label,
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" at {', '.join(violation['targets'][:5])}",
            severity=violation["impact"] or "minor",
            details=violation,
        )
        (failing if violation["impact"] in FAILING_IMPACTS else other).append(finding)
    return failing, other

"""Findings in code the project does not own, waived one by one, each with its reason.

Only for markup or scripts shipped by Django or another package that a template
override cannot reach. A waived finding is still written to the report; a
waiver that matched nothing in a run is reported too, so the list shrinks when
upstream fixes land. Never waive the project's own pages: fix them.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiver:
    gate: str
    where: str  # regex on the finding's "role GET /path ..." label
    message: str  # regex on the finding's message
    reason: str

    def matches(self, finding):
        return (
            finding.gate == self.gate
            and re.search(self.where, finding.where) is not None
            and re.search(self.message, finding.message) is not None
        )


WAIVERS = [
    Waiver(
        "axe",
        where=r" GET /admin/",
        message=r"^aria-prohibited-attr .* at [^,]*\.help-tooltip\.search-label-icon"
        r"(, [^,]*\.help-tooltip\.search-label-icon)*$",
        reason="Django admin's SelectFilter2.js (filter_horizontal widget) builds a "
        "<span aria-label> for its search icon; the script is Django's, not ours.",
    ),
    Waiver(
        "vnu",
        where=r" GET /admin/[\w/]+/\d+/password/ ",
        message=r"^No “p” element in scope but a “p” end tag seen\.$",
        reason="Django's admin password form (auth/user/change_password.html) puts the "
        "usable_password help text, which holds a <ul>, inside a <p>.",
    ),
]


def split(findings, waivers=WAIVERS):
    """(still failing, waived, waivers that matched nothing)."""
    failing, waived, used = [], [], set()
    for finding in findings:
        waiver = next((w for w in waivers if w.matches(finding)), None)
        if waiver is None:
            failing.append(finding)
        else:
            waived.append(finding)
            used.add(waiver)
    return failing, waived, [w for w in waivers if w not in used]

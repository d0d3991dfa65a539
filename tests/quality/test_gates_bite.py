"""The HTML and accessibility gates fail on a broken page and pass a clean one.

They are the very functions `make check` runs on every crawled page (quality/).
"""

import pytest

from quality import axe, vnu, waivers
from quality.findings import Finding

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Invite someone</title></head>
<body>
<main>
  <h1>Invite someone</h1>
  <form method="post" action="/invite/">
    {fields}
    <button type="submit">Send invitation</button>
  </form>
</main>
</body>
</html>
"""
BROKEN_PAGE = PAGE.format(
    fields='<p id="email">Their address</p><input type="email" name="email" id="email">'
)
CLEAN_PAGE = PAGE.format(
    fields='<label for="email">Their address</label><input type="email" name="email" id="email">'
)


def test_vnu_reports_the_duplicated_id_and_names_the_page():
    errors, _ = vnu.check_documents({"customer-main GET /invite/": BROKEN_PAGE})
    duplicate = [e for e in errors if "Duplicate ID" in e.message]
    assert duplicate, errors
    assert duplicate[0].where.startswith("customer-main GET /invite/ line 8:")


def test_vnu_passes_the_clean_page():
    errors, _ = vnu.check_documents({"customer-main GET /invite/": CLEAN_PAGE})
    assert errors == []


def test_axe_reports_the_unlabeled_input_as_a_failure(serve_html):
    page = serve_html(BROKEN_PAGE)
    failing, _ = axe.findings("customer-main GET /invite/", axe.run(page))
    labels = [f for f in failing if f.message.startswith("label (critical)")]
    assert labels, failing
    assert labels[0].where == "customer-main GET /invite/"
    assert labels[0].message.endswith(" at input")  # the input, with its id not unique


def test_axe_passes_the_clean_page(serve_html):
    page = serve_html(CLEAN_PAGE)
    failing, _ = axe.findings("customer-main GET /invite/", axe.run(page))
    assert failing == []


def test_waivers_never_cover_the_portals_own_pages():
    own = Finding(
        "axe",
        "customer-main GET /organization/people/",
        "aria-prohibited-attr (serious): x at label > .help-tooltip.search-label-icon",
    )
    admin = Finding("axe", "staff GET /admin/auth/group/add/", own.message)
    failing, waived, _ = waivers.split([own, admin])
    assert failing == [own]
    assert waived == [admin]

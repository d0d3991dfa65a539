"""Walk the portal as each demo role, by following links from the role's dashboard.

No hand-kept page list: every same-origin link a role can click is visited
(GET only; forms are never submitted, logout is never followed), so pages
added by any app are checked as soon as some page links to them. The walk is
bounded: at most a few pages per URL *shape* (ids and tokens folded, query
values ignored), fewer for the Django admin, and a page budget per role.

Each HTML page is checked on the spot with axe (in the browser) and its HTML,
as the server sent it, is kept for the Nu HTML Checker.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pyotp

from quality import axe

DEMO_PASSWORD = "demo-pass-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # demo-only, see README


@dataclass(frozen=True)
class Role:
    name: str
    email: str | None = None  # None: anonymous
    organization: str | None = None  # switch to this organization after logging in

    @property
    def start(self):
        return "/dashboard/" if self.email else "/"


ROLES = [
    Role("anonymous"),
    Role("staff", "admin@opennebula.example"),
    Role("partner-main", "main@acme.example"),
    # A Standard reseller: referrals and commission statements (issue 7).
    Role("partner-reseller", "main@northwind.example"),
    Role("partner-main-for-customer", "main@acme.example", organization="Umbrella Labs"),
    Role("customer-main", "main@globex.example"),
    Role("technical-contact", "tech1@globex.example"),
    Role("administrative-contact", "billing@globex.example"),
    Role("customer-main-initech", "main@initech.example"),
]

# Never followed: they end the session or leave the pages we check.
SKIPPED_PATHS = re.compile(
    r"^/(accounts/logout/|admin/logout/|admin/r/|static/|media/|healthz)",
)
# A path that no link reaches, to check the 404 page itself.
NOT_FOUND_PROBE = "/quality-gate-probe-404/"

MAX_PAGES_PER_ROLE = 150
MAX_PER_SHAPE = 2
MAX_ADMIN_PAGES_PER_ROLE = 40
MAX_ADMIN_PER_SHAPE = 1
NAVIGATION_TIMEOUT_MS = 15_000


@dataclass
class Page:
    role: str
    path: str  # as requested
    final_path: str  # after redirects
    status: int
    content_type: str
    linked_from: str | None
    html: str | None = None
    violations: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    error: str | None = None

    @property
    def label(self):
        return f"{self.role} GET {self.final_path}"

    @property
    def is_html(self):
        return self.html is not None


def shape(path_and_query):
    """/staff/outbox/12/?page=2 -> ('/staff/outbox/<id>/', ('page',))"""
    parts = urlsplit(path_and_query)
    segments = [
        "<id>"
        if re.fullmatch(r"\d+", segment)
        else "<token>"
        if re.fullmatch(r"[0-9a-fA-F-]{32,36}|[\w-]{20,}", segment)
        else segment
        for segment in parts.path.split("/")
    ]
    keys = tuple(sorted({item.split("=")[0] for item in parts.query.split("&") if item}))
    return "/".join(segments), keys


def log_in(page, role, *, on_step=None):
    """Log in as `role` (answering the TOTP step for staff); `on_step(response)` is
    called with each page of the login flow after the first, such as the TOTP form."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(role.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign In").click()
    if "/accounts/2fa/authenticate" in page.url:
        if on_step:
            on_step(navigation.value)
        page.get_by_label("Code").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    if role.organization:
        page.get_by_label("Acting for").select_option(label=role.organization)
        page.get_by_role("button", name="Switch").click()
        page.wait_for_url("**/dashboard/")


class RoleCrawl:
    def __init__(self, browser, base_url, role, *, run_axe=True):
        self.base_url = base_url.rstrip("/")
        self.origin = urlsplit(self.base_url)[:2]
        self.role = role
        self.run_axe = run_axe
        self.context = browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        if run_axe:
            axe.install(self.context)
        self.page = self.context.new_page()
        self._console = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self._console.append(f"page error: {error}"))

    def _on_console(self, message):
        if message.type == "error":
            self._console.append(message.text)

    def close(self):
        self.context.close()

    def session_cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.context.cookies())

    def walk(self):
        pages, visited = [], set()
        if self.role.email:
            # The login flow's own pages (the TOTP form) are checked on the way.
            log_in(self.page, self.role, on_step=lambda r: pages.append(self.check(r, None)))
        shapes, admin_pages = Counter(), 0
        queue = deque([(self.role.start, None)])
        enqueued = {self.role.start}
        for probe in (NOT_FOUND_PROBE,):
            queue.append((probe, None))
            enqueued.add(probe)
        while queue and len(pages) < MAX_PAGES_PER_ROLE:
            path, parent = queue.popleft()
            page = self.visit(path, parent)
            if page.final_path in visited:
                continue  # a page already checked (reached again, or through a redirect)
            visited.add(page.final_path)
            pages.append(page)
            if not page.is_html or page.status >= 400:
                continue
            for link in self.links():
                if link in enqueued or SKIPPED_PATHS.match(link):
                    continue
                is_admin = link.startswith("/admin/")
                if is_admin and ("?" in link or admin_pages >= MAX_ADMIN_PAGES_PER_ROLE):
                    continue
                link_shape = shape(link)
                if shapes[link_shape] >= (MAX_ADMIN_PER_SHAPE if is_admin else MAX_PER_SHAPE):
                    continue
                shapes[link_shape] += 1
                admin_pages += is_admin
                enqueued.add(link)
                queue.append((link, page.final_path))
        return pages

    def visit(self, path, parent):
        self._console = []
        try:
            response = self.page.goto(path, wait_until="load")
        except Exception as error:  # noqa: BLE001 - a download or a dead link, reported
            message = str(error).splitlines()[0]
            if "Download is starting" in message:
                return Page(self.role.name, path, path, 200, "download", parent)
            return Page(self.role.name, path, path, 0, "", parent, error=message)
        return self.check(response, parent, path)

    def check(self, response, parent, path=None):
        """The page now in the browser, reached by `response`: its HTML and axe's verdict."""
        final_path = self._local(self.page.url) or path
        content_type = response.headers.get("content-type", "") if response else ""
        status = response.status if response else 0
        page = Page(self.role.name, path or final_path, final_path, status, content_type, parent)
        if content_type.startswith("text/html"):
            page.html = response.text()
            if self.run_axe:
                page.violations = axe.run(self.page)
        page.console_errors = list(self._console)
        return page

    def links(self):
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href)"
        )
        local = (self._local(href) for href in hrefs)
        return sorted({link for link in local if link})

    def _local(self, url):
        """The path and query of a same-origin http(s) URL, else None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts[:2] != self.origin:
            return None
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def crawl(browser, base_url, roles=ROLES, *, run_axe=True, on_role=None):
    """All pages of every role: a list of Page."""
    pages = []
    for role in roles:
        walker = RoleCrawl(browser, base_url, role, run_axe=run_axe)
        try:
            role_pages = walker.walk()
        finally:
            walker.close()
        if on_role:
            on_role(role, role_pages)
        pages.extend(role_pages)
    return pages


def session_cookie(browser, base_url, role):
    """A fresh logged-in session of `role`, as a Cookie header value (for wapiti)."""
    walker = RoleCrawl(browser, base_url, role, run_axe=False)
    try:
        log_in(walker.page, role)
        return walker.session_cookie_header()
    finally:
        walker.close()

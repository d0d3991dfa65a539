"""Is this the same end customer? Names and email domains compared the same way everywhere.

"Stark Industries, Inc." and "STARK INDUSTRIES" are one company; a contact at
tony@stark.example and one at pepper@STARK.example are at one company. Free
webmail domains say nothing about the company, so they never match.
"""

import re
import unicodedata

# Legal forms and filler words dropped before comparing (an English/European list).
# fmt: off
LEGAL_WORDS = frozenset([
    "the", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
    "llc", "llp", "lp", "plc", "gmbh", "ag", "kg", "mbh", "sa", "sas", "sarl", "sl", "slu",
    "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "asa", "oyj", "kk", "pty", "pte",
    "group", "holding", "holdings",
])
FREE_MAIL_DOMAINS = frozenset([
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "gmx.com", "gmx.de", "gmx.net",
    "web.de", "mail.com", "proton.me", "protonmail.com", "zoho.com", "yandex.com", "yandex.ru",
    "qq.com", "163.com", "free.fr", "orange.fr", "laposte.net", "libero.it",
])
# fmt: on


def normalize_company_name(name):
    """Lowercase ASCII words without punctuation, legal forms or "the"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    # "S.A." is "SA": dots join abbreviations rather than separate words.
    text = text.replace("&", " and ").replace(".", "")
    words = re.findall(r"[a-z0-9]+", text)
    meaningful = [word for word in words if word not in LEGAL_WORDS]
    return " ".join(meaningful or words)


def email_domain(email):
    """The company's domain of an email address, or "" for a free webmail address."""
    _, at, domain = (email or "").rpartition("@")
    domain = domain.strip().lower().rstrip(".") if at else ""
    if not domain or domain in FREE_MAIL_DOMAINS:
        return ""
    return domain

"""What files a ticket accepts: a size limit and an allow-list checked against the
file's own bytes, not against the name or the type the browser claims."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

TEXT = "text/plain"
ALLOWED_TYPES = {
    ".txt": TEXT,
    ".log": TEXT,
    ".conf": TEXT,
    ".yaml": TEXT,
    ".yml": TEXT,
    ".csv": "text/csv",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gz": "application/gzip",
    ".tgz": "application/gzip",
    ".zip": "application/zip",
}
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/gzip": (b"\x1f\x8b",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
}
TEXT_TYPES = {TEXT, "text/csv", "application/json"}
ACCEPT = ",".join(sorted(ALLOWED_TYPES))


def max_bytes():
    return settings.SUPPORT_ATTACHMENT_MAX_BYTES


def describe_limits():
    names = ", ".join(sorted({suffix.lstrip(".") for suffix in ALLOWED_TYPES}))
    count, size = settings.SUPPORT_ATTACHMENT_MAX_FILES, filesizeformat(max_bytes())
    return f"Up to {count} files of {size} each: {names}."


def check_upload(upload):
    """The content type to store for `upload`, or a ValidationError for the person."""
    name = PurePath(upload.name).name
    if upload.size > max_bytes():
        raise ValidationError(
            f"{name} is {filesizeformat(upload.size)}; the limit is {filesizeformat(max_bytes())}."
        )
    if upload.size == 0:
        raise ValidationError(f"{name} is empty.")
    content_type = ALLOWED_TYPES.get(PurePath(name).suffix.lower())
    if content_type is None:
        raise ValidationError(
            f"{name}: this type of file is not accepted. Accepted: {describe_limits()}"
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if content_type in TEXT_TYPES:
        if b"\x00" in head:
            raise ValidationError(f"{name} does not look like a text file.")
    elif not head.startswith(SIGNATURES[content_type]):
        raise ValidationError(f"{name} does not look like a {content_type} file.")
    return content_type

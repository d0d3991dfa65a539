"""The audit log. Services call `audit()` for every change of membership,
role, status or money; the client address comes from the request being served."""

from contextvars import ContextVar

from accounts.models import AuditEvent

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def audit(actor, action, target=None, *, organization=None, **changes):
    if organization is None and target is not None:
        organization = _organization_of(target)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organization=organization,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        changes={key: _plain(value) for key, value in changes.items()},
        ip_address=client_address.get(),
    )


def _organization_of(target):
    from accounts.models import Organization

    if isinstance(target, Organization):
        return target
    return getattr(target, "organization", None)


def _plain(value):
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)

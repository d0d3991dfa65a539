def portal(request):
    """The active organization and the switcher's choices (set by the middleware)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "active_organization": getattr(request, "organization", None),
        "active_membership": getattr(request, "membership", None),
        "switcher_memberships": getattr(request, "memberships", []),
    }

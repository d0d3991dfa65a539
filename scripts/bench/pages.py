"""The pages `make bench` drives: (role, page name, URL name, kwargs lookup or None).

A lookup returns the URL kwargs (an object the role may see); a page whose URL name
does not exist yet is reported as skipped.
"""


def _first(model_path, **filters):
    from django.apps import apps

    def lookup():
        model = apps.get_model(model_path)
        obj = model._default_manager.filter(**filters).order_by("pk").first()
        if obj is None:
            raise LookupError(f"no {model_path} matching {filters}")
        return {"pk": obj.pk}

    return lookup


PAGES = [
    ("main@acme.example", "partner dashboard", "dashboard", None),
    ("main@acme.example", "tier scorecard", "partner_status", None),
    ("main@globex.example", "customer subscriptions", "subscription_list", None),
    (
        "main@globex.example",
        "subscription detail",
        "subscription_detail",
        _first("subscriptions.Subscription", organization__name="Globex", plan__code="premium"),
    ),
    ("main@globex.example", "contacts page", "contacts", None),
    ("billing@globex.example", "invoice list", "invoice_list", None),
    (
        "billing@globex.example",
        "invoice PDF",
        "invoice_pdf",
        _first("billing.Invoice", organization__name="Globex", status="issued"),
    ),
    ("support@opennebula.example", "support triage queue", "support_queue", None),
    (
        "support@opennebula.example",
        "ticket detail",
        "ticket_detail",
        _first("support.Ticket", organization__name="Globex"),
    ),
    ("tech1@globex.example", "knowledge-base search", "kb_search", None),
    ("admin@opennebula.example", "staff application queue", "staff_applications", None),
    ("admin@opennebula.example", "compliance watchlist", "staff_compliance", None),
    ("admin@opennebula.example", "staff subscriptions", "staff_subscriptions", None),
]

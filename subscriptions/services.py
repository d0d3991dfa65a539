"""Writes for subscriptions: order forms, the lifecycle, contacts, deployments, requests.

Each state transition is one function here, audited; views only call them.
"""

import hmac
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import outbox
from accounts import services as accounts
from accounts.audit import audit
from accounts.models import Invitation, Membership, Organization, Role
from billing import services as billing
from billing.models import Invoice
from subscriptions.models import (
    Deployment,
    EndCustomerRequest,
    OrderForm,
    Plan,
    SalesChannel,
    ServerRequest,
    Subscription,
)


class SubscriptionError(accounts.DomainError):
    """A subscription rule refused the change."""


class OrderFormInvalid(SubscriptionError):
    def __init__(self, errors):
        self.errors = errors  # field name -> message
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class LimitReached(SubscriptionError):
    pass


class InvalidTransition(SubscriptionError):
    def __init__(self, subscription, action):
        super().__init__(
            f"A {subscription.get_status_display().lower()} subscription cannot be {action}."
        )


# --- Order forms -----------------------------------------------------------------


def validate_order(
    *,
    plan,
    starts_on,
    ends_on,
    channel,
    sold_by,
    technical_contacts,
    is_nfr=False,
    registration_discount_percent=0,
):
    """The rules of an order form, whoever enters it. Returns field -> message."""
    errors = {}
    if is_nfr and (channel != SalesChannel.DIRECT or registration_discount_percent):
        # NFR subscriptions are the partner's own, free: nobody sold them.
        errors["channel"] = "An NFR subscription is the partner's own: a direct, free order."
    if not 0 <= registration_discount_percent <= 100:
        errors["registration_discount_percent"] = "A discount is between 0% and 100%."
    if not plan.is_active:
        errors["plan"] = "This plan is no longer sold."
    if starts_on and ends_on and ends_on <= starts_on:
        errors["ends_on"] = "The term must end after it starts."
    if len(technical_contacts) > plan.max_technical_contacts:
        errors["technical_contacts"] = (
            f"The {plan.name} plan allows at most {plan.max_technical_contacts} "
            f"technical contact{'s' if plan.max_technical_contacts != 1 else ''}."
        )
    if channel == SalesChannel.DIRECT and sold_by is not None:
        errors["sold_by"] = "A direct sale names no partner."
    if channel != SalesChannel.DIRECT and (sold_by is None or not sold_by.is_partner):
        errors["sold_by"] = "Name the partner that sold it."
    if channel == SalesChannel.SOLUTION_PROVIDER and not plan.is_premium:
        # Guide: SPs sell End User Subscriptions with a 24x7 Premium SLA.
        errors["plan"] = "Solution Provider end-user subscriptions are Premium (24x7)."
    return errors


def process_order_form(*, actor, organization=None, **order):
    """Enter and process a signed order form in one transaction.

    Creates or updates the customer organization, invites the contacts with
    their roles, creates the subscription, and queues one Welcome email to the
    Main Contact and one Support Welcome email to each Technical Contact (or to
    the Main Contact when none is named: SPEC §4, §6). Processing the same
    order form (its reference) again does nothing and returns (form, False).
    """
    accounts.ensure_permission(actor, "subscriptions.add_orderform")
    existing = OrderForm.objects.filter(reference=order["reference"]).first()
    if existing:
        return existing, False
    errors = validate_order(
        plan=order["plan"],
        starts_on=order["starts_on"],
        ends_on=order["ends_on"],
        channel=order["channel"],
        sold_by=order.get("sold_by"),
        technical_contacts=order.get("technical_contacts", []),
        is_nfr=order.get("is_nfr", False),
        registration_discount_percent=order.get("registration_discount_percent", 0),
    )
    if organization is None and not order.get("customer_name"):
        errors["customer_name"] = "Name the new customer, or choose an existing one."
    if errors:
        raise OrderFormInvalid(errors)
    try:
        with transaction.atomic():
            return _process(actor=actor, organization=organization, order=order), True
    except IntegrityError:
        # The same order form processed at the same moment by someone else.
        existing = OrderForm.objects.filter(reference=order["reference"]).first()
        if existing is None:
            raise
        return existing, False


def _process(*, actor, organization, order):
    technical_contacts = order.get("technical_contacts", [])
    order_form = OrderForm.objects.create(
        reference=order["reference"],
        organization=organization,
        customer_name=order.get("customer_name", ""),
        customer_legal_name=order.get("customer_legal_name", ""),
        customer_country=order.get("customer_country", ""),
        customer_address=order.get("customer_address", ""),
        plan=order["plan"],
        servers=order["servers"],
        starts_on=order["starts_on"],
        ends_on=order["ends_on"],
        purchase_order=order.get("purchase_order", ""),
        payment_method=order["payment_method"],
        channel=order["channel"],
        sold_by=order.get("sold_by"),
        main_contact_name=order["main_contact_name"],
        main_contact_email=order["main_contact_email"].lower(),
        technical_contacts=technical_contacts,
        registration_discount_percent=order.get("registration_discount_percent", 0),
        is_nfr=order.get("is_nfr", False),
        processed_by=actor,
    )
    if organization is None:
        organization = accounts.create_organization(
            kind=Organization.Kind.CUSTOMER,
            name=order["customer_name"],
            legal_name=order.get("customer_legal_name", ""),
            country=order.get("customer_country", ""),
            address=order.get("customer_address", ""),
            managed_by=(
                order.get("sold_by") if order["channel"] == SalesChannel.SOLUTION_PROVIDER else None
            ),
            actor=actor,
        )
    subscription = _create_subscription(organization, order, actor=actor)
    # The draft of the term's invoice, for billing staff to issue (billing issue #4);
    # an NFR subscription is free and never invoiced.
    invoice = (
        None
        if subscription.is_nfr
        else billing.create_subscription_invoice(
            subscription,
            actor=actor,
            reason=Invoice.Reason.NEW_TERM,
            registration_discount_percent=order.get("registration_discount_percent", 0),
        )
    )
    order_form.organization = organization
    order_form.subscription = subscription
    order_form.save(update_fields=["organization", "subscription"])
    audit(
        actor,
        "order_form.processed",
        order_form,
        organization=organization,
        reference=order_form.reference,
    )

    _name_contact(
        organization,
        order["main_contact_email"],
        order["main_contact_name"],
        [Role.MAIN, Role.ORG_ADMIN],
        actor=actor,
    )
    for contact in technical_contacts:
        _name_contact(
            organization, contact["email"], contact.get("name", ""), [Role.TECHNICAL], actor=actor
        )
    queue_welcome_emails(
        subscription,
        main_contact_email=order["main_contact_email"],
        technical_emails=[c["email"] for c in technical_contacts],
        invoice=invoice,
    )
    return order_form


def _create_subscription(organization, order, *, actor):
    today = timezone.localdate()
    subscription = Subscription.objects.create(
        organization=organization,
        plan=order["plan"],
        servers=order["servers"],
        starts_on=order["starts_on"],
        ends_on=order["ends_on"],
        purchase_order=order.get("purchase_order", ""),
        payment_method=order["payment_method"],
        channel=order["channel"],
        sold_by=order.get("sold_by"),
        is_nfr=order.get("is_nfr", False),
        status=(
            Subscription.Status.ACTIVE
            if order["starts_on"] <= today < order["ends_on"]
            else Subscription.Status.PENDING
        ),
    )
    audit(
        actor,
        "subscription.created",
        subscription,
        plan=subscription.plan.code,
        servers=subscription.servers,
        status=subscription.status,
        term=f"{subscription.starts_on}..{subscription.ends_on}",
        nfr=subscription.is_nfr,
    )
    return subscription


def _name_contact(organization, email, name, roles, *, actor):
    """Give an existing member the roles, or invite the address with them."""
    email = email.strip().lower()
    membership = (
        Membership.objects.filter(organization=organization, user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if membership is not None:
        return accounts.add_member(organization, membership.user, roles=roles, actor=actor)
    if (
        Invitation.objects.for_organization(organization)
        .filter(
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exists()
    ):
        return None
    accounts.invite(organization, email, roles=roles, actor=actor, name=name)
    return None


def queue_welcome_emails(subscription, *, main_contact_email, technical_emails, invoice=None):
    context = subscription_context(subscription)
    outbox.notify(
        main_contact_email,
        "subscriptions/welcome",
        # The article: the Welcome email gives "information about the subscription and the invoice".
        {**context, **(billing.welcome_invoice_context(invoice) if invoice else {})},
        key=f"welcome:{subscription.pk}",
        organization=subscription.organization,
    )
    # With no technical contact the Main Contact is the sole contact (SPEC §4).
    for email in technical_emails or [main_contact_email]:
        outbox.notify(
            email,
            "subscriptions/support_welcome",
            context,
            key=f"support-welcome:{subscription.pk}:{email.lower()}",
            organization=subscription.organization,
        )


def subscription_context(subscription):
    """What emails say about a subscription (JSON-serialisable for the outbox)."""
    return {
        "organization": subscription.organization.name,
        "plan": subscription.plan.name,
        "support_hours": subscription.plan.get_support_hours_display(),
        "servers": subscription.servers,
        "starts_on": subscription.starts_on.isoformat(),
        "ends_on": subscription.ends_on.isoformat(),
        "purchase_order": subscription.purchase_order,
        "subscription_path": reverse("subscription_detail", args=[subscription.pk]),
        "sold_by": subscription.sold_by.name if subscription.sold_by_id else "",
        "nfr": subscription.is_nfr,
    }


# --- Lifecycle: pending → active → renewed / expired / cancelled -------------------


def _locked(subscription):
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


def _move(subscription, *, allowed_from, to, action, actor, **details):
    if subscription.status not in allowed_from:
        raise InvalidTransition(subscription, action)
    before = subscription.status
    subscription.status = to
    subscription.save(update_fields=["status"])
    audit(actor, f"subscription.{action}", subscription, status_before=before, status=to, **details)
    return subscription


@transaction.atomic
def activate_subscription(subscription, *, actor=None):
    subscription = _locked(subscription)
    accounts.ensure_permission(actor, "subscriptions.change_subscription")
    _move(
        subscription,
        allowed_from=[Subscription.Status.PENDING],
        to=Subscription.Status.ACTIVE,
        action="activated",
        actor=actor,
    )
    _carry_deployments_over(subscription, actor=actor)
    return subscription


def _carry_deployments_over(term, *, actor):
    """When a renewal term starts, the deployments (and their tokens) move to it, so
    a token keeps answering for whichever term covers the customer today."""
    if term.previous_id is None:
        return
    moved = Deployment.objects.filter(
        subscription_id=term.previous_id, revoked_at__isnull=True
    ).update(subscription=term)
    if moved:
        audit(
            actor,
            "subscription.deployments_carried_over",
            term,
            deployments=moved,
            previous=term.previous_id,
        )


@transaction.atomic
def cancel_subscription(subscription, *, actor, reason):
    subscription = _locked(subscription)
    accounts.ensure_permission(actor, "subscriptions.change_subscription")
    _move(
        subscription,
        allowed_from=[Subscription.Status.PENDING, Subscription.Status.ACTIVE],
        to=Subscription.Status.CANCELLED,
        action="cancelled",
        actor=actor,
        reason=reason,
    )
    notify_main_contact(subscription, "cancelled", {"reason": reason})
    return subscription


@transaction.atomic
def expire_subscription(subscription, *, actor=None):
    subscription = _locked(subscription)
    _move(
        subscription,
        allowed_from=[Subscription.Status.ACTIVE],
        to=Subscription.Status.EXPIRED,
        action="expired",
        actor=actor,
    )
    _queue_expiry_notices([subscription])
    return subscription


@transaction.atomic
def renew_subscription(subscription, *, actor, ends_on, servers=None, plan=None):
    """Start the next term where this one ends; the deployments move when it starts."""
    subscription = _locked(subscription)
    accounts.ensure_permission(actor, "subscriptions.change_subscription")
    plan = plan or subscription.plan
    if ends_on <= subscription.ends_on:
        raise OrderFormInvalid({"ends_on": "The new term must end after the current one."})
    _move(
        subscription,
        allowed_from=[Subscription.Status.ACTIVE, Subscription.Status.EXPIRED],
        to=Subscription.Status.RENEWED,
        action="renewed",
        actor=actor,
    )
    today = timezone.localdate()
    successor = Subscription.objects.create(
        organization=subscription.organization,
        plan=plan,
        servers=servers or subscription.servers,
        starts_on=subscription.ends_on,
        ends_on=ends_on,
        purchase_order=subscription.purchase_order,
        payment_method=subscription.payment_method,
        channel=subscription.channel,
        sold_by=subscription.sold_by,
        is_nfr=subscription.is_nfr,
        previous=subscription,
        status=(
            Subscription.Status.ACTIVE
            if subscription.ends_on <= today < ends_on
            else Subscription.Status.PENDING
        ),
    )
    if successor.status == Subscription.Status.ACTIVE:
        _carry_deployments_over(successor, actor=actor)
    if not successor.is_nfr:
        billing.create_subscription_invoice(successor, actor=actor, reason=Invoice.Reason.RENEWAL)
    audit(
        actor,
        "subscription.created",
        successor,
        plan=plan.code,
        servers=successor.servers,
        term=f"{successor.starts_on}..{successor.ends_on}",
        renewal_of=subscription.pk,
    )
    notify_main_contact(
        successor, "renewed", {"previous_ends_on": subscription.ends_on.isoformat()}
    )
    return successor


@transaction.atomic
def change_servers(subscription, servers, *, actor, reason=""):
    subscription = _locked(subscription)
    accounts.ensure_permission(actor, "subscriptions.change_subscription")
    if subscription.status not in (Subscription.Status.ACTIVE, Subscription.Status.PENDING):
        raise InvalidTransition(subscription, "changed")
    before = subscription.servers
    subscription.servers = servers
    subscription.save(update_fields=["servers"])
    audit(
        actor,
        "subscription.servers_changed",
        subscription,
        servers_before=before,
        servers=servers,
        reason=reason,
    )
    notify_main_contact(
        subscription, "servers_changed", {"servers_before": before, "reason": reason}
    )
    return subscription


def notify_main_contact(subscription, change, extra, *, key_suffix=None):
    """Every subscription change sends a notice to the Main Contact (SPEC §6)."""
    main = main_contact_of(subscription.organization)
    if main is None:
        return None
    context = {**subscription_context(subscription), "change": change, **extra}
    suffix = key_suffix or timezone.now().isoformat()
    return outbox.notify(
        main.email,
        "subscriptions/changed",
        context,
        key=f"subscription-{change}:{subscription.pk}:{suffix}",
        organization=subscription.organization,
    )


def main_contact_of(organization):
    membership = (
        Membership.objects.for_organization(organization)
        .main_contacts()
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


# --- Daily: activation, renewal notices, expiry (bounded queries, safe twice) ------

RENEWAL_WINDOWS = (7, 30, 60, 90)  # days before the end (issue 3)


def activate_started(today=None):
    today = today or timezone.localdate()
    due = Subscription.objects.filter(
        status=Subscription.Status.PENDING, starts_on__lte=today, ends_on__gt=today
    )
    count = 0
    for subscription in due.iterator():
        activate_subscription(subscription)
        count += 1
    return count


def queue_renewal_notices(today=None):
    """One notice per subscription and window, to the Main Contact and the selling partner.

    One query selects what is due (the window each subscription is in, and
    has not had a notice for); the notices are written in bulk with their
    unique keys, so a second run at the same moment adds nothing.
    """
    from django.db.models import Case, F, IntegerField, Value, When

    today = today or timezone.localdate()
    window = Case(
        *[When(ends_on__lte=today + timedelta(days=w), then=Value(w)) for w in RENEWAL_WINDOWS],
        output_field=IntegerField(),
    )
    due = list(
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            ends_on__gt=today,
            ends_on__lte=today + timedelta(days=max(RENEWAL_WINDOWS)),
        )
        .annotate(window=window)
        .filter(Q(renewal_notice_window__isnull=True) | Q(renewal_notice_window__gt=F("window")))
        .select_related("organization", "plan", "sold_by")
    )
    if not due:
        return 0
    _notify_customers_and_partners(
        due,
        "subscriptions/renewal_notice",
        key=lambda subscription: f"renewal:{subscription.pk}:{subscription.window}",
        extra=lambda subscription: {"days_left": subscription.window},
    )
    by_window = {}
    for subscription in due:
        by_window.setdefault(subscription.window, []).append(subscription.pk)
    for days, ids in by_window.items():
        Subscription.objects.filter(pk__in=ids).update(renewal_notice_window=days)
    return len(due)


def expire_ended(today=None):
    """Expire every active subscription whose term has ended (bulk: bounded queries)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ended = list(
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Subscription.Status.ACTIVE, ends_on__lte=today)
            .select_related("organization", "plan", "sold_by")
        )
        if not ended:
            return 0
        Subscription.objects.filter(pk__in=[s.pk for s in ended]).update(
            status=Subscription.Status.EXPIRED
        )
        from accounts.models import AuditEvent

        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action="subscription.expired",
                    organization_id=s.organization_id,
                    target_type=s._meta.label_lower,
                    target_id=str(s.pk),
                    target_repr=str(s)[:200],
                    changes={"status_before": "active", "status": "expired"},
                )
                for s in ended
            ]
        )
        _queue_expiry_notices(ended)
    return len(ended)


def _queue_expiry_notices(subscriptions):
    _notify_customers_and_partners(
        subscriptions, "subscriptions/expired", key=lambda s: f"expired:{s.pk}"
    )


def _notify_customers_and_partners(subscriptions, template, *, key, extra=lambda s: {}):
    """One notice per subscription to its Main Contact and its selling partner's, in bulk."""
    recipients = _main_contact_emails(
        {s.organization_id for s in subscriptions}
        | {s.sold_by_id for s in subscriptions if s.sold_by_id}
    )
    notices = []
    for subscription in subscriptions:
        context = {**subscription_context(subscription), **extra(subscription)}
        for audience, org_id in (
            ("customer", subscription.organization_id),
            ("partner", subscription.sold_by_id),
        ):
            if org_id in recipients:
                notices.append(
                    {
                        "recipient": recipients[org_id],
                        "template": template,
                        "context": {**context, "audience": audience},
                        "key": f"{key(subscription)}:{audience}",
                        "organization": subscription.organization,
                    }
                )
    outbox.notify_many(notices)


def _main_contact_emails(organization_ids):
    return dict(
        Membership.objects.filter(
            organization_id__in=organization_ids, is_main_contact=True
        ).values_list("organization_id", "user__email")
    )


# --- Contacts (the Main Contact's page) ------------------------------------------


def ensure_main_contact(actor, organization):
    if actor.is_vendor_staff:
        return
    if not Membership.objects.filter(
        user=actor, organization=organization, is_main_contact=True
    ).exists():
        raise PermissionDenied("Only the Main Contact manages the contacts.")


def technical_contact_limit(organization):
    """The most technical contacts any live subscription of the organization allows."""
    plans = Plan.objects.filter(
        subscriptions__organization=organization,
        subscriptions__status__in=[*Subscription.IN_FORCE, Subscription.Status.PENDING],
    )
    return max((plan.max_technical_contacts for plan in plans), default=0)


def technical_contacts_named(organization):
    """Technical contacts, counting those invited and not yet joined."""
    members = Membership.objects.for_organization(organization).filter(is_technical_contact=True)
    pending_roles = (
        Invitation.objects.for_organization(organization)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .values_list("roles", flat=True)
    )
    return members.count() + sum(1 for roles in pending_roles if Role.TECHNICAL.value in roles)


@transaction.atomic
def add_technical_contact(organization, *, email, name="", actor):
    ensure_main_contact(actor, organization)
    Organization.objects.select_for_update().get(pk=organization.pk)  # one add at a time
    limit = technical_contact_limit(organization)
    if technical_contacts_named(organization) >= limit:
        raise LimitReached(
            f"Your plan allows {limit} technical contact{'s' if limit != 1 else ''}: "
            "remove one, or ask us for a plan with more."
        )
    membership = _name_contact(organization, email, name, [Role.TECHNICAL], actor=actor)
    _notify_contacts_changed(organization, f"{email} named technical contact", actor)
    return membership


@transaction.atomic
def remove_technical_contact(membership, *, actor):
    ensure_main_contact(actor, membership.organization)
    roles = set(membership.roles) - {Role.TECHNICAL}
    if roles:
        before = membership.roles
        membership.is_technical_contact = False
        membership.save(update_fields=["is_technical_contact"])
        audit(
            actor,
            "membership.roles_changed",
            membership,
            roles_before=before,
            roles=membership.roles,
        )
    else:
        accounts.remove_member(membership, actor=actor)
    _notify_contacts_changed(
        membership.organization, f"{membership.user.email} is no longer a technical contact", actor
    )


@transaction.atomic
def set_administrative_contact(organization, *, email, name="", actor):
    """Add or replace the one Administrative Contact (billing)."""
    ensure_main_contact(actor, organization)
    _name_contact(organization, email, name, [Role.ADMINISTRATIVE], actor=actor)
    _notify_contacts_changed(organization, f"{email} named administrative contact", actor)


@transaction.atomic
def hand_over_main_contact(organization, new_main, *, actor):
    ensure_main_contact(actor, organization)
    accounts.hand_over_main_contact(organization, new_main, actor=actor)
    _notify_contacts_changed(organization, f"{new_main.user.email} is now the Main Contact", actor)


@transaction.atomic
def update_contact_details(membership, *, full_name, actor):
    ensure_main_contact(actor, membership.organization)
    user = membership.user
    before = user.full_name
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    audit(actor, "contact.details_changed", membership, name_before=before, name=full_name)


def _notify_contacts_changed(organization, summary, actor):
    main = main_contact_of(organization)
    if main is None:
        return
    outbox.notify(
        main.email,
        "subscriptions/contacts_changed",
        {"organization": organization.name, "summary": summary, "by": str(actor)},
        key=f"contacts-changed:{organization.pk}:{timezone.now().isoformat()}",
        organization=organization,
    )


# --- Deployments and their tokens ---------------------------------------------------


def ensure_can_manage_deployments(actor, subscription):
    if actor.is_vendor_staff:
        return
    if not Membership.objects.filter(
        Q(is_main_contact=True) | Q(is_technical_contact=True),
        user=actor,
        organization_id=subscription.organization_id,
    ).exists():
        raise PermissionDenied("Only the Main Contact and Technical Contacts manage deployments.")


@transaction.atomic
def create_deployment(subscription, *, name, actor):
    """Returns (deployment, token): the token is shown this once and never stored."""
    ensure_can_manage_deployments(actor, subscription)
    if subscription.status not in (Subscription.Status.ACTIVE, Subscription.Status.PENDING):
        raise SubscriptionError("Deployments are added to an active subscription.")
    prefix, token = Deployment.new_token()
    try:
        with transaction.atomic():
            deployment = Deployment.objects.create(
                subscription=subscription,
                name=name,
                token_prefix=prefix,
                token_hash=Deployment.hash_token(token),
            )
    except IntegrityError as error:
        raise SubscriptionError(f"A deployment named {name} already exists.") from error
    audit(
        actor,
        "deployment.created",
        deployment,
        organization=subscription.organization,
        name=name,
        token_prefix=prefix,
    )
    return deployment, token


@transaction.atomic
def rotate_deployment_token(deployment, *, actor):
    """A new token; the old one stops working at once."""
    deployment = (
        Deployment.objects.select_for_update()
        .select_related("subscription__organization")
        .get(pk=deployment.pk)
    )
    ensure_can_manage_deployments(actor, deployment.subscription)
    if not deployment.is_live:
        raise SubscriptionError("A revoked deployment has no token to rotate.")
    old_prefix = deployment.token_prefix
    prefix, token = Deployment.new_token()
    deployment.token_prefix = prefix
    deployment.token_hash = Deployment.hash_token(token)
    deployment.rotated_at = timezone.now()
    deployment.save(update_fields=["token_prefix", "token_hash", "rotated_at"])
    audit(
        actor,
        "deployment.token_rotated",
        deployment,
        organization=deployment.subscription.organization,
        token_prefix_before=old_prefix,
        token_prefix=prefix,
    )
    return deployment, token


@transaction.atomic
def revoke_deployment(deployment, *, actor):
    deployment = (
        Deployment.objects.select_for_update()
        .select_related("subscription__organization")
        .get(pk=deployment.pk)
    )
    ensure_can_manage_deployments(actor, deployment.subscription)
    if deployment.is_live:
        deployment.revoked_at = timezone.now()
        deployment.save(update_fields=["revoked_at"])
        audit(
            actor,
            "deployment.revoked",
            deployment,
            organization=deployment.subscription.organization,
            token_prefix=deployment.token_prefix,
        )
    return deployment


def verify_token(token):
    """What the licensing and repository servers learn about a token: all or nothing."""
    invalid = {"valid": False}
    if not isinstance(token, str) or len(token) > 200:
        return invalid
    parts = token.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != Deployment.TOKEN_PREFIX:
        return invalid
    deployment = (
        Deployment.objects.filter(token_prefix=parts[1])
        .select_related("subscription__organization", "subscription__plan")
        .first()
    )
    # Compare even when nothing matched, so timing says nothing about prefixes.
    expected = deployment.token_hash if deployment else Deployment.hash_token("")
    matches = hmac.compare_digest(expected, Deployment.hash_token(token))
    if deployment is None or not matches or not deployment.is_live:
        return invalid
    subscription = deployment.subscription
    if not subscription.is_live:
        return invalid
    return {
        "valid": True,
        "organization": subscription.organization.name,
        "subscription": subscription.pk,
        "deployment": deployment.name,
        "plan": subscription.plan.code,
        "expires": subscription.ends_on.isoformat(),
    }


# --- Requests: more servers, SP end customers ----------------------------------------


@transaction.atomic
def request_servers(subscription, *, additional_servers, note, actor):
    ensure_main_contact(actor, subscription.organization)
    if subscription.status not in (Subscription.Status.ACTIVE, Subscription.Status.PENDING):
        raise SubscriptionError("Only an active subscription can grow.")
    server_request = ServerRequest.objects.create(
        subscription=subscription,
        additional_servers=additional_servers,
        note=note,
        requested_by=actor,
    )
    audit(
        actor,
        "server_request.created",
        server_request,
        organization=subscription.organization,
        additional_servers=additional_servers,
    )
    return server_request


@transaction.atomic
def apply_server_request(server_request, *, actor):
    accounts.ensure_permission(actor, "subscriptions.change_serverrequest")
    server_request = (
        ServerRequest.objects.select_for_update()
        .select_related("subscription")
        .get(pk=server_request.pk)
    )
    if server_request.status != ServerRequest.Status.REQUESTED:
        raise SubscriptionError("This request was already handled.")
    subscription = server_request.subscription
    change_servers(
        subscription,
        subscription.servers + server_request.additional_servers,
        actor=actor,
        reason=f"request #{server_request.pk}",
    )
    _close_request(server_request, ServerRequest.Status.APPLIED, actor)
    return server_request


@transaction.atomic
def decline_server_request(server_request, *, actor, reason):
    accounts.ensure_permission(actor, "subscriptions.change_serverrequest")
    server_request = ServerRequest.objects.select_for_update().get(pk=server_request.pk)
    if server_request.status != ServerRequest.Status.REQUESTED:
        raise SubscriptionError("This request was already handled.")
    _close_request(server_request, ServerRequest.Status.DECLINED, actor, reason=reason)
    return server_request


def _close_request(server_request, status, actor, **details):
    server_request.status = status
    server_request.handled_by = actor
    server_request.handled_at = timezone.now()
    server_request.save(update_fields=["status", "handled_by", "handled_at"])
    audit(
        actor,
        f"server_request.{status}",
        server_request,
        organization=server_request.subscription.organization,
        **details,
    )


def ensure_solution_provider_member(actor, partner):
    if not Membership.objects.filter(user=actor, organization=partner).exists():
        raise PermissionDenied
    if not partner.is_partner:
        raise PermissionDenied("End customers are requested by Solution Providers.")


@transaction.atomic
def request_end_customer(partner, *, actor, **details):
    ensure_solution_provider_member(actor, partner)
    end_customer_request = EndCustomerRequest.objects.create(
        partner=partner, requested_by=actor, **details
    )
    audit(actor, "end_customer.requested", end_customer_request, name=details["name"])
    return end_customer_request


@transaction.atomic
def confirm_end_customer(end_customer_request, *, actor, reference):
    """Staff establish the end customer's account and its End User Subscription (SPEC §6)."""
    accounts.ensure_permission(actor, "subscriptions.change_endcustomerrequest")
    request = (
        EndCustomerRequest.objects.select_for_update()
        .select_related("partner")
        .get(pk=end_customer_request.pk)
    )
    if request.status != EndCustomerRequest.Status.REQUESTED:
        raise SubscriptionError("This request was already handled.")
    # End User Subscriptions are Premium (24x7); SPs are invoiced in US dollars.
    premium = Plan.objects.filter(
        support_hours=Plan.SupportHours.ALWAYS, is_active=True, currency="USD"
    ).first()
    order_form, _ = process_order_form(
        actor=actor,
        reference=reference,
        customer_name=request.name,
        customer_legal_name=request.legal_name,
        customer_country=request.country,
        plan=premium,
        servers=request.servers,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        payment_method="bank_transfer",
        channel=SalesChannel.SOLUTION_PROVIDER,
        sold_by=request.partner,
        main_contact_name=request.main_contact_name,
        main_contact_email=request.main_contact_email,
        technical_contacts=[],
    )
    # The SP's support team works in the end customer's account (guide: SP L1/L2).
    if request.requested_by_id:
        accounts.add_member(
            order_form.organization, request.requested_by, roles=[Role.TECHNICAL], actor=actor
        )
    request.status = EndCustomerRequest.Status.CONFIRMED
    request.organization = order_form.organization
    request.save(update_fields=["status", "organization"])
    audit(
        actor,
        "end_customer.confirmed",
        request,
        organization=request.partner,
        end_customer=order_form.organization.name,
    )
    return order_form.organization


@transaction.atomic
def decline_end_customer(end_customer_request, *, actor, reason):
    accounts.ensure_permission(actor, "subscriptions.change_endcustomerrequest")
    request = EndCustomerRequest.objects.select_for_update().get(pk=end_customer_request.pk)
    if request.status != EndCustomerRequest.Status.REQUESTED:
        raise SubscriptionError("This request was already handled.")
    request.status = EndCustomerRequest.Status.DECLINED
    request.decline_reason = reason
    request.save(update_fields=["status", "decline_reason"])
    audit(actor, "end_customer.declined", request, reason=reason)
    return request

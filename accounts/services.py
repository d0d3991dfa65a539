"""Writes for people and organizations: one function per change, audited."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts import outbox
from accounts.audit import audit
from accounts.models import ROLE_FIELDS, Invitation, Membership, Organization, Role

User = get_user_model()


class DomainError(Exception):
    """A business rule refused the change; the message is for the person."""


class InvitationInvalid(DomainError):
    pass


def ensure_permission(actor, permission):
    """Staff actions check the actor's permission here, not only in the view.
    `actor=None` is the system itself (periodic tasks, data loading)."""
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(f"{actor} lacks {permission}.")


def ensure_can_manage_members(actor, organization):
    """Org admins and the Main Contact manage people; staff manage any org."""
    if actor.is_vendor_staff:
        return
    membership = Membership.objects.filter(user=actor, organization=organization).first()
    if membership is None or not membership.can_manage_members:
        raise PermissionDenied("Only the organization admin or Main Contact can manage people.")


@transaction.atomic
def create_organization(*, kind, name, actor, **fields):
    organization = Organization.objects.create(kind=kind, name=name, **fields)
    audit(actor, "organization.created", organization, kind=kind)
    return organization


# Roles one person at a time holds in an organization (SPEC §7).
SINGLE_HOLDER_ROLES = (Role.MAIN, Role.ADMINISTRATIVE)


@transaction.atomic
def add_member(organization, user, *, roles=(), actor):
    """Join `user` to `organization` with `roles` (adds roles if already a member).

    A single-holder role (Main or Administrative Contact) named here moves to
    `user`: the invitation or order form that names it is the decision.
    """
    membership, created = Membership.objects.get_or_create(user=user, organization=organization)
    before = membership.roles
    for role in SINGLE_HOLDER_ROLES:
        if role in roles and role not in before:
            _take_role_from_others(organization, role, new_holder=user, actor=actor)
    _apply_roles(membership, set(before) | set(roles))
    audit(
        actor,
        "membership.created" if created else "membership.roles_changed",
        membership,
        user=user.email,
        roles_before=before,
        roles=membership.roles,
    )
    return membership


def _take_role_from_others(organization, role, *, new_holder, actor):
    field = ROLE_FIELDS[role]
    holders = (
        Membership.objects.select_for_update()
        .filter(organization=organization, **{field: True})
        .exclude(user=new_holder)
    )
    for holder in holders.select_related("user"):
        audit(actor, "membership.role_moved", holder, role=str(role), to_user=new_holder.email)
    holders.update(**{field: False})


@transaction.atomic
def set_roles(membership, roles, *, actor):
    """Replace a member's roles. The Main Contact role moves only by handover."""
    ensure_can_manage_members(actor, membership.organization)
    roles = set(roles)
    if (Role.MAIN in roles) != membership.is_main_contact:
        raise DomainError("Hand the Main Contact role over instead of editing it.")
    before = membership.roles
    _apply_roles(membership, roles)
    audit(
        actor, "membership.roles_changed", membership, roles_before=before, roles=membership.roles
    )
    return membership


@transaction.atomic
def remove_member(membership, *, actor):
    ensure_can_manage_members(actor, membership.organization)
    if membership.is_main_contact:
        raise DomainError("The Main Contact cannot be removed: hand the role over first.")
    audit(
        actor, "membership.removed", membership, user=membership.user.email, roles=membership.roles
    )
    membership.delete()


@transaction.atomic
def hand_over_main_contact(organization, new_main, *, actor):
    """Move the Main Contact role; the organization always keeps exactly one."""
    ensure_can_manage_members(actor, organization)
    current = Membership.objects.select_for_update().filter(
        organization=organization, is_main_contact=True
    )
    previous = current.first()
    current.update(is_main_contact=False)
    Membership.objects.filter(pk=new_main.pk).update(is_main_contact=True)
    audit(
        actor,
        "membership.main_contact_handed_over",
        organization,
        from_user=previous.user.email if previous else None,
        to_user=new_main.user.email,
    )
    new_main.refresh_from_db()
    return new_main


def _apply_roles(membership, roles):
    for role, field in ROLE_FIELDS.items():
        setattr(membership, field, role in roles)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        if Role.ADMINISTRATIVE in roles:
            raise DomainError("The organization already has an Administrative Contact.") from error
        if Role.MAIN in roles:
            raise DomainError("The organization already has a Main Contact.") from error
        raise


# --- Invitations -------------------------------------------------------------


@transaction.atomic
def invite(organization, email, *, roles, actor, name=""):
    """Email a link that joins `email` to `organization` with `roles`."""
    if actor is not None and actor.is_authenticated:
        ensure_can_manage_members(actor, organization)
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise DomainError(f"{email} is already a member of {organization}.")
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        full_name=name,
        roles=sorted(str(role) for role in roles),
        token_hash=Invitation.hash_token(token),
        invited_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    audit(actor, "invitation.sent", invitation, email=email, roles=invitation.roles)
    outbox.notify(
        email,
        "accounts/invitation",
        {
            "organization": organization.name,
            "roles": invitation.role_labels,
            "inviter": str(actor) if actor is not None and actor.is_authenticated else "OpenNebula",
            "accept_path": reverse("invitation_accept", args=[token]),
            "expires_at": invitation.expires_at.date().isoformat(),
        },
        key=f"invitation:{invitation.pk}",
        organization=organization,
        sensitive=True,  # the link lets its holder join the organization
    )
    return invitation, token


def invitation_for_token(token):
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(token, *, user):
    """Join `user` to the invitation's organization; the link is for their address only."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise InvitationInvalid("This invitation is no longer valid. Ask for a new one.")
    if invitation.email.lower() != user.email.lower():
        raise InvitationInvalid(
            f"This invitation is for {invitation.email}. Log in with that address to accept it."
        )
    membership = add_member(invitation.organization, user, roles=invitation.roles, actor=user)
    if invitation.full_name and not user.full_name:
        user.full_name = invitation.full_name
        user.save(update_fields=["full_name"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(user, "invitation.accepted", invitation)
    return membership


@transaction.atomic
def revoke_invitation(invitation, *, actor):
    ensure_can_manage_members(actor, invitation.organization)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(actor, "invitation.revoked", invitation)
    return invitation


# --- Account managers (django-guardian object permission) ---------------------


@transaction.atomic
def assign_account_manager(partner, staff_user, *, actor):
    if not staff_user.is_vendor_staff or not partner.is_partner:
        raise DomainError("Account managers are vendor staff, assigned to partners.")
    assign_perm("accounts.manage_partner", staff_user, partner)
    audit(actor, "partner.account_manager_assigned", partner, manager=staff_user.email)


@transaction.atomic
def unassign_account_manager(partner, staff_user, *, actor):
    remove_perm("accounts.manage_partner", staff_user, partner)
    audit(actor, "partner.account_manager_removed", partner, manager=staff_user.email)

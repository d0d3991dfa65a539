import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from accounts.access import organization_required, paginate, staff_permission_required
from accounts.models import Membership
from accounts.tenancy import get_for_organization
from subscriptions import services
from subscriptions.forms import (
    AddTechnicalContactForm,
    AdministrativeContactForm,
    ConfirmEndCustomerForm,
    ContactDetailsForm,
    DeploymentForm,
    EndCustomerRequestForm,
    HandOverForm,
    OrderFormForm,
    ReasonForm,
    RenewForm,
    ServerRequestForm,
    SubscriptionFilter,
    TechnicalContacts,
)
from subscriptions.models import (
    Deployment,
    EndCustomerRequest,
    OrderForm,
    ServerRequest,
    Subscription,
)

SUBSCRIPTION_LIST = Subscription.objects.select_related("plan", "organization", "sold_by")


# --- Customer ------------------------------------------------------------------------


@organization_required
def subscription_list(request):
    subscriptions = SUBSCRIPTION_LIST.for_organization(request.organization)
    return render(
        request,
        "subscriptions/subscription_list.html",
        {"subscriptions": paginate(request, subscriptions)},
    )


@organization_required
def subscription_detail(request, pk):
    subscription = get_for_organization(SUBSCRIPTION_LIST, request.organization, pk=pk)
    return _render_detail(request, subscription, "subscriptions/subscription_detail.html")


def _render_detail(request, subscription, template, **extra):
    membership = request.membership
    return render(
        request,
        template,
        {
            "subscription": subscription,
            "deployments": subscription.deployments.live(),
            "contacts": _contacts(subscription.organization),
            "can_manage_deployments": membership is not None
            and membership.organization_id == subscription.organization_id
            and (membership.is_main_contact or membership.is_technical_contact),
            "is_main_contact": membership is not None
            and membership.organization_id == subscription.organization_id
            and membership.is_main_contact,
            "deployment_form": DeploymentForm(),
            "server_requests": subscription.server_requests.all()[:10],
            **extra,
        },
    )


def _contacts(organization):
    """The organization's contacts: Main first, then Administrative, then Technical."""
    return (
        Membership.objects.for_organization(organization)
        .filter(
            Q(is_main_contact=True)
            | Q(is_technical_contact=True)
            | Q(is_administrative_contact=True)
        )
        .select_related("user")
        .order_by("-is_main_contact", "-is_administrative_contact", "user__email")
    )


@organization_required
def deployment_create(request, pk):
    subscription = get_for_organization(SUBSCRIPTION_LIST, request.organization, pk=pk)
    form = DeploymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deployment, token = services.create_deployment(
                subscription, name=form.cleaned_data["name"], actor=request.user
            )
        except PermissionDenied:
            raise Http404 from None
        except services.SubscriptionError as error:
            form.add_error("name", str(error))
        else:
            return _show_token_once(request, deployment, token)
    return render(
        request,
        "subscriptions/deployment_form.html",
        {"subscription": subscription, "form": form},
    )


def _show_token_once(request, deployment, token):
    response = render(
        request, "subscriptions/deployment_token.html", {"deployment": deployment, "token": token}
    )
    response["Cache-Control"] = "no-store"
    return response


def _deployment_for(request, pk):
    return get_for_organization(
        Deployment.objects.select_related("subscription__organization"),
        request.organization,
        pk=pk,
    )


@organization_required
def deployment_rotate(request, pk):
    deployment = _deployment_for(request, pk)
    if request.method == "POST":
        try:
            deployment, token = services.rotate_deployment_token(deployment, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except services.SubscriptionError as error:
            messages.error(request, str(error))
            return redirect(deployment.subscription)
        return _show_token_once(request, deployment, token)
    return render(
        request,
        "subscriptions/deployment_confirm.html",
        {"deployment": deployment, "action": "rotate"},
    )


@organization_required
def deployment_revoke(request, pk):
    deployment = _deployment_for(request, pk)
    if request.method == "POST":
        try:
            services.revoke_deployment(deployment, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request, f"Deployment {deployment.name} revoked: its token stopped working."
        )
        return redirect(deployment.subscription)
    return render(
        request,
        "subscriptions/deployment_confirm.html",
        {"deployment": deployment, "action": "revoke"},
    )


@organization_required
def server_request_create(request, pk):
    subscription = get_for_organization(SUBSCRIPTION_LIST, request.organization, pk=pk)
    if not request.membership.is_main_contact:
        raise Http404
    form = ServerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_servers(subscription, actor=request.user, **form.cleaned_data)
        except services.SubscriptionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Request sent: OpenNebula will confirm the change.")
            return redirect(subscription)
    return render(
        request,
        "subscriptions/server_request_form.html",
        {"subscription": subscription, "form": form},
    )


# --- Contacts (Main Contact) ----------------------------------------------------------


def _main_contact_only(request):
    if request.membership is None or not request.membership.is_main_contact:
        raise Http404


@organization_required
def contacts(request):
    _main_contact_only(request)
    organization = request.organization
    technical_form = AddTechnicalContactForm(
        request.POST if "technical-email" in request.POST else None
    )
    administrative_form = AdministrativeContactForm(
        request.POST if "administrative-email" in request.POST else None
    )
    if request.method == "POST":
        try:
            if technical_form.is_bound and technical_form.is_valid():
                contact = technical_form.contact()
                services.add_technical_contact(
                    organization, email=contact["email"], name=contact["name"], actor=request.user
                )
                messages.success(request, f"{contact['email']} is invited as technical contact.")
                return redirect("contacts")
            if administrative_form.is_bound and administrative_form.is_valid():
                services.set_administrative_contact(
                    organization, actor=request.user, **administrative_form.cleaned_data
                )
                messages.success(request, "Administrative Contact updated.")
                return redirect("contacts")
        except services.LimitReached as error:
            technical_form.add_error(None, str(error))
        except services.accounts.DomainError as error:
            (technical_form if technical_form.is_bound else administrative_form).add_error(
                "email", str(error)
            )
    people = _contacts(organization)
    limit = services.technical_contact_limit(organization)
    named = services.technical_contacts_named(organization)
    return render(
        request,
        "subscriptions/contacts.html",
        {
            "main": [m for m in people if m.is_main_contact],
            "technical": [m for m in people if m.is_technical_contact],
            "administrative": [m for m in people if m.is_administrative_contact],
            "technical_form": technical_form,
            "administrative_form": administrative_form,
            "technical_limit": limit,
            "technical_named": named,
            "at_limit": named >= limit,
        },
    )


def _contact_for(request, pk):
    return get_for_organization(
        Membership.objects.select_related("user", "organization"), request.organization, pk=pk
    )


@organization_required
def contact_edit(request, pk):
    _main_contact_only(request)
    membership = _contact_for(request, pk)
    form = ContactDetailsForm(
        request.POST or None, initial={"full_name": membership.user.full_name}
    )
    if request.method == "POST" and form.is_valid():
        services.update_contact_details(
            membership, full_name=form.cleaned_data["full_name"], actor=request.user
        )
        messages.success(request, "Contact details updated.")
        return redirect("contacts")
    return render(
        request, "subscriptions/contact_edit.html", {"membership": membership, "form": form}
    )


@organization_required
def technical_contact_remove(request, pk):
    _main_contact_only(request)
    membership = _contact_for(request, pk)
    if not membership.is_technical_contact:
        raise Http404
    if request.method == "POST":
        services.remove_technical_contact(membership, actor=request.user)
        messages.success(request, f"{membership.user.email} is no longer a technical contact.")
        return redirect("contacts")
    return render(
        request, "subscriptions/technical_contact_remove.html", {"membership": membership}
    )


@organization_required
def hand_over(request):
    _main_contact_only(request)
    form = HandOverForm(
        request.POST or None, organization=request.organization, exclude_user=request.user
    )
    if request.method == "POST" and form.is_valid():
        new_main = form.cleaned_data["new_main_contact"]
        services.hand_over_main_contact(request.organization, new_main, actor=request.user)
        messages.success(request, f"{new_main.user.email} is now the Main Contact.")
        return redirect("dashboard")
    return render(request, "subscriptions/hand_over.html", {"form": form})


# --- Partner ---------------------------------------------------------------------------


def _partner_required(request):
    if request.organization is None or not request.organization.is_partner:
        raise Http404


@organization_required
def partner_subscriptions(request):
    _partner_required(request)
    subscriptions = SUBSCRIPTION_LIST.sold_or_managed_by(request.organization)
    return render(
        request,
        "subscriptions/partner_subscription_list.html",
        {"subscriptions": paginate(request, subscriptions)},
    )


@organization_required
def partner_subscription_detail(request, pk):
    _partner_required(request)
    subscription = SUBSCRIPTION_LIST.sold_or_managed_by(request.organization).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return _render_detail(
        request, subscription, "subscriptions/subscription_detail.html", partner_view=True
    )


@organization_required
def end_customer_requests(request):
    _partner_required(request)
    form = EndCustomerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_end_customer(request.organization, actor=request.user, **form.cleaned_data)
        messages.success(request, "Request sent: OpenNebula will establish the account.")
        return redirect("end_customer_requests")
    return render(
        request,
        "subscriptions/end_customer_requests.html",
        {
            "form": form,
            "requests": paginate(
                request, EndCustomerRequest.objects.for_organization(request.organization)
            ),
            "end_customers": request.organization.managed_customers.all()[:100],
        },
    )


# --- Staff -----------------------------------------------------------------------------


@staff_permission_required("subscriptions.view_subscription")
def staff_subscription_list(request):
    subscriptions = SubscriptionFilter(request.GET, queryset=SUBSCRIPTION_LIST)
    return render(
        request,
        "subscriptions/staff_subscription_list.html",
        {"filter": subscriptions, "subscriptions": paginate(request, subscriptions.qs)},
    )


@staff_permission_required("subscriptions.view_subscription")
def staff_subscription_detail(request, pk):
    subscription = SUBSCRIPTION_LIST.filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return _render_detail(
        request,
        subscription,
        "subscriptions/staff_subscription_detail.html",
        renew_form=RenewForm(),
        cancel_form=ReasonForm(),
        can_change=request.user.has_perm("subscriptions.change_subscription"),
    )


@staff_permission_required("subscriptions.change_subscription")
@require_POST
def staff_subscription_action(request, pk, action):
    subscription = SUBSCRIPTION_LIST.filter(pk=pk).first()
    if subscription is None or action not in ("renew", "cancel", "activate"):
        raise Http404
    form = {"renew": RenewForm, "cancel": ReasonForm}.get(action, ReasonForm)(request.POST)
    try:
        if action == "activate":
            services.activate_subscription(subscription, actor=request.user)
        elif not form.is_valid():
            raise services.SubscriptionError(
                "; ".join(f"{f}: {e[0]}" for f, e in form.errors.items())
            )
        elif action == "renew":
            successor = services.renew_subscription(
                subscription,
                actor=request.user,
                ends_on=form.cleaned_data["ends_on"],
                servers=form.cleaned_data.get("servers"),
            )
            messages.success(request, "Renewed: this is the new term.")
            return redirect("staff_subscription_detail", pk=successor.pk)
        else:
            services.cancel_subscription(
                subscription, actor=request.user, reason=form.cleaned_data["reason"]
            )
    except services.SubscriptionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Subscription {action}d." if action != "cancel" else "Subscription cancelled."
        )
    return redirect("staff_subscription_detail", pk=pk)


@staff_permission_required("subscriptions.add_orderform")
def staff_order_form(request):
    form = OrderFormForm(request.POST or None)
    contacts = TechnicalContacts(request.POST or None, prefix="tech")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        data = {**form.cleaned_data, "technical_contacts": contacts.contacts()}
        try:
            order_form, processed = services.process_order_form(actor=request.user, **data)
        except services.OrderFormInvalid as error:
            for field, message in error.errors.items():
                if field in form.fields:
                    form.add_error(field, message)
                else:
                    form.add_error(None, message)
        else:
            if processed:
                messages.success(
                    request,
                    f"Order form {order_form.reference} processed: the contacts are invited and "
                    "the welcome emails queued.",
                )
            else:
                messages.info(request, f"Order form {order_form.reference} was already processed.")
            return redirect("staff_subscription_detail", pk=order_form.subscription_id)
    return render(
        request, "subscriptions/staff_order_form.html", {"form": form, "contacts": contacts}
    )


@staff_permission_required("subscriptions.view_orderform")
def staff_order_form_list(request):
    order_forms = OrderForm.objects.select_related("organization", "plan", "processed_by")
    return render(
        request,
        "subscriptions/staff_order_form_list.html",
        {"order_forms": paginate(request, order_forms)},
    )


@staff_permission_required("subscriptions.change_serverrequest")
def staff_server_requests(request):
    requests = ServerRequest.objects.select_related(
        "subscription__organization", "subscription__plan", "requested_by"
    ).order_by("status", "-requested_at")
    return render(
        request,
        "subscriptions/staff_server_requests.html",
        {"requests": paginate(request, requests), "decline_form": ReasonForm()},
    )


@staff_permission_required("subscriptions.change_serverrequest")
@require_POST
def staff_server_request_action(request, pk, action):
    server_request = ServerRequest.objects.filter(pk=pk).first()
    if server_request is None or action not in ("apply", "decline"):
        raise Http404
    try:
        if action == "apply":
            services.apply_server_request(server_request, actor=request.user)
            messages.success(request, "Applied: the subscription covers the new servers.")
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise services.SubscriptionError("Give a reason to decline.")
            services.decline_server_request(
                server_request, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Request declined.")
    except services.SubscriptionError as error:
        messages.error(request, str(error))
    return redirect("staff_server_requests")


@staff_permission_required("subscriptions.change_endcustomerrequest")
def staff_end_customer_requests(request):
    requests = EndCustomerRequest.objects.select_related("partner", "requested_by").order_by(
        "status", "-requested_at"
    )
    return render(
        request,
        "subscriptions/staff_end_customer_requests.html",
        {"requests": paginate(request, requests)},
    )


@staff_permission_required("subscriptions.change_endcustomerrequest")
def staff_end_customer_request(request, pk):
    end_customer_request = (
        EndCustomerRequest.objects.select_related("partner").filter(pk=pk).first()
    )
    if end_customer_request is None:
        raise Http404
    confirm_form = ConfirmEndCustomerForm(request.POST if "reference" in request.POST else None)
    decline_form = ReasonForm(request.POST if "reason" in request.POST else None)
    if request.method == "POST":
        try:
            if confirm_form.is_bound and confirm_form.is_valid():
                organization = services.confirm_end_customer(
                    end_customer_request,
                    actor=request.user,
                    reference=confirm_form.cleaned_data["reference"],
                )
                messages.success(
                    request,
                    f"{organization} is established, managed by {end_customer_request.partner}.",
                )
                return redirect("staff_end_customer_requests")
            if decline_form.is_bound and decline_form.is_valid():
                services.decline_end_customer(
                    end_customer_request,
                    actor=request.user,
                    reason=decline_form.cleaned_data["reason"],
                )
                messages.success(request, "Request declined.")
                return redirect("staff_end_customer_requests")
        except services.OrderFormInvalid as error:
            confirm_form.add_error(None, str(error))
        except services.SubscriptionError as error:
            messages.error(request, str(error))
    return render(
        request,
        "subscriptions/staff_end_customer_request.html",
        {
            "end_customer_request": end_customer_request,
            "confirm_form": confirm_form,
            "decline_form": decline_form,
        },
    )


# --- API: token verification for the licensing and repository servers ------------------


@csrf_exempt
@require_POST
@never_cache
def verify_token(request):
    if is_ratelimited(
        request, group="token-verify", key="ip", rate=settings.TOKEN_VERIFY_RATE, increment=True
    ):
        return JsonResponse({"error": "rate limited"}, status=429)
    try:
        token = json.loads(request.body or b"{}").get("token")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return JsonResponse({"valid": False}, status=400)
    return JsonResponse(services.verify_token(token))

from django.urls import path

from subscriptions import views

urlpatterns = [
    path("subscriptions/", views.subscription_list, name="subscription_list"),
    path("subscriptions/<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path(
        "subscriptions/<int:pk>/deployments/new/",
        views.deployment_create,
        name="deployment_create",
    ),
    path(
        "subscriptions/<int:pk>/servers/request/",
        views.server_request_create,
        name="server_request_create",
    ),
    path("deployments/<int:pk>/rotate/", views.deployment_rotate, name="deployment_rotate"),
    path("deployments/<int:pk>/revoke/", views.deployment_revoke, name="deployment_revoke"),
    path("organization/contacts/", views.contacts, name="contacts"),
    path("organization/contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path(
        "organization/contacts/<int:pk>/remove-technical/",
        views.technical_contact_remove,
        name="technical_contact_remove",
    ),
    path("organization/contacts/hand-over/", views.hand_over, name="hand_over_main_contact"),
    path("partner/subscriptions/", views.partner_subscriptions, name="partner_subscriptions"),
    path(
        "partner/subscriptions/<int:pk>/",
        views.partner_subscription_detail,
        name="partner_subscription_detail",
    ),
    path("partner/end-customers/", views.end_customer_requests, name="end_customer_requests"),
    path("staff/subscriptions/", views.staff_subscription_list, name="staff_subscriptions"),
    path(
        "staff/subscriptions/<int:pk>/",
        views.staff_subscription_detail,
        name="staff_subscription_detail",
    ),
    path(
        "staff/subscriptions/<int:pk>/<str:action>/",
        views.staff_subscription_action,
        name="staff_subscription_action",
    ),
    path("staff/order-forms/", views.staff_order_form_list, name="staff_order_forms"),
    path("staff/order-forms/new/", views.staff_order_form, name="staff_order_form_new"),
    path("staff/server-requests/", views.staff_server_requests, name="staff_server_requests"),
    path(
        "staff/server-requests/<int:pk>/<str:action>/",
        views.staff_server_request_action,
        name="staff_server_request_action",
    ),
    path(
        "staff/end-customers/",
        views.staff_end_customer_requests,
        name="staff_end_customer_requests",
    ),
    path(
        "staff/end-customers/<int:pk>/",
        views.staff_end_customer_request,
        name="staff_end_customer_request",
    ),
    path("api/v1/tokens/verify", views.verify_token, name="api_verify_token"),
]

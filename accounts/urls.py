from django.urls import path

from accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    path("organization/people/", views.members, name="members"),
    path("organization/people/<int:pk>/", views.member_edit, name="member_edit"),
    path("organization/people/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "organization/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("audit/", views.audit_log, name="audit_log"),
    path("staff/partners/mine/", views.my_partners, name="staff_my_partners"),
    path("staff/outbox/", views.outbox_list, name="staff_outbox"),
    path("staff/outbox/<int:pk>/", views.outbox_detail, name="staff_outbox_detail"),
    path("staff/outbox/<int:pk>/retry/", views.outbox_retry, name="staff_outbox_retry"),
]

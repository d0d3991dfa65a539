from django.urls import path

from programs import staff_views, views

urlpatterns = [
    # Public: the catalog, before signing in.
    path("programs/", views.program_list, name="program_list"),
    path("programs/partner-agreement/", views.agreement_public, name="agreement_public"),
    path("programs/<slug:code>/", views.program_detail, name="program_detail"),
    # The partner's pages (the active organization's).
    path("partner/apply/", views.apply_start, name="apply_start"),
    path("partner/applications/<int:pk>/", views.partner_application, name="partner_application"),
    path("partner/program/", views.partner_status, name="partner_status"),
    path("partner/program/<int:pk>/history/", views.partner_history, name="partner_history"),
    path(
        "partner/program/<int:pk>/upgrade/",
        views.partner_request_upgrade,
        name="partner_request_upgrade",
    ),
    path("partner/agreements/<int:pk>/", views.partner_agreement, name="partner_agreement"),
    path(
        "partner/agreements/<int:pk>/pdf/",
        views.partner_agreement_pdf,
        name="partner_agreement_pdf",
    ),
    path("partner/certifications/", views.partner_certifications, name="partner_certifications"),
    path(
        "partner/certifications/<int:pk>/remove/",
        views.partner_certification_remove,
        name="partner_certification_remove",
    ),
    path("partner/reviews/", views.partner_reviews, name="partner_reviews"),
    path("partner/reviews/<int:pk>/held/", views.partner_review_held, name="partner_review_held"),
    path(
        "partner/reviews/<int:pk>/cancel/",
        views.partner_review_cancel,
        name="partner_review_cancel",
    ),
    path("partner/evidence/", views.partner_evidence, name="partner_evidence"),
    # OpenNebula staff.
    path(
        "staff/programs/applications/",
        staff_views.application_queue,
        name="staff_application_queue",
    ),
    path(
        "staff/programs/applications/<int:pk>/",
        staff_views.application_detail,
        name="staff_application",
    ),
    path(
        "staff/programs/applications/<int:pk>/ask/",
        staff_views.application_ask,
        name="staff_application_ask",
    ),
    path(
        "staff/programs/applications/<int:pk>/approve/",
        staff_views.application_approve,
        name="staff_application_approve",
    ),
    path(
        "staff/programs/applications/<int:pk>/reject/",
        staff_views.application_reject,
        name="staff_application_reject",
    ),
    path("staff/programs/partners/", staff_views.partner_list, name="staff_partner_list"),
    path("staff/programs/watchlist/", staff_views.watchlist, name="staff_watchlist"),
    path("staff/programs/partners/<int:pk>/", staff_views.partner_detail, name="staff_partner"),
    path(
        "staff/programs/partners/<int:pk>/history/",
        staff_views.partner_history,
        name="staff_partner_history",
    ),
    path(
        "staff/programs/partners/<int:pk>/downgrade/",
        staff_views.partner_downgrade,
        name="staff_partner_downgrade",
    ),
    path(
        "staff/programs/partners/<int:pk>/suspend/",
        staff_views.partner_suspend,
        name="staff_partner_suspend",
    ),
    path(
        "staff/programs/partners/<int:pk>/reinstate/",
        staff_views.partner_reinstate,
        name="staff_partner_reinstate",
    ),
    path(
        "staff/programs/upgrades/<int:pk>/approve/",
        staff_views.upgrade_approve,
        name="staff_upgrade_approve",
    ),
    path(
        "staff/programs/upgrades/<int:pk>/decline/",
        staff_views.upgrade_decline,
        name="staff_upgrade_decline",
    ),
    path(
        "staff/programs/certifications/",
        staff_views.certification_queue,
        name="staff_certification_queue",
    ),
    path(
        "staff/programs/certifications/<int:pk>/verify/",
        staff_views.certification_verify,
        name="staff_certification_verify",
    ),
    path(
        "staff/programs/certifications/<int:pk>/reject/",
        staff_views.certification_reject,
        name="staff_certification_reject",
    ),
    path("staff/programs/evidence/", staff_views.evidence_queue, name="staff_evidence_queue"),
    path(
        "staff/programs/evidence/<int:pk>/confirm/",
        staff_views.evidence_confirm,
        name="staff_evidence_confirm",
    ),
    path(
        "staff/programs/evidence/<int:pk>/reject/",
        staff_views.evidence_reject,
        name="staff_evidence_reject",
    ),
    path(
        "staff/programs/agreements/",
        staff_views.agreement_versions,
        name="staff_agreement_versions",
    ),
    path(
        "staff/programs/agreements/publish/",
        staff_views.agreement_publish,
        name="staff_agreement_publish",
    ),
    path(
        "staff/programs/agreements/versions/<int:pk>/",
        staff_views.agreement_version,
        name="staff_agreement_version",
    ),
    path(
        "staff/programs/agreements/<int:pk>/pdf/",
        staff_views.agreement_pdf,
        name="staff_agreement_pdf",
    ),
]

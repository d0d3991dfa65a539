from django.urls import path

from support import kb_views, queue_views, views

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/presales/new/", views.presales_new, name="presales_new"),
    path("tickets/sharing/", views.ticket_sharing_settings, name="ticket_sharing_settings"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/comments/", views.ticket_comment, name="ticket_comment"),
    path("tickets/<int:pk>/resolve/", views.ticket_resolve, name="ticket_resolve"),
    path("tickets/<int:pk>/close/", views.ticket_close, name="ticket_close"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="ticket_escalate"),
    path("tickets/<int:pk>/hand-back/", views.ticket_hand_back, name="ticket_hand_back"),
    path("tickets/<int:pk>/claim/", views.ticket_claim, name="ticket_claim"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/share/", views.ticket_share, name="ticket_share"),
    path(
        "tickets/<int:pk>/share/<int:user_pk>/remove/",
        views.ticket_unshare,
        name="ticket_unshare",
    ),
    path(
        "tickets/<int:pk>/files/<int:attachment_pk>/",
        views.ticket_attachment,
        name="ticket_attachment",
    ),
    path("tickets/<int:pk>/transcript.txt", views.ticket_transcript, name="ticket_transcript"),
    path("api/tickets/<int:pk>/", views.api_ticket, name="api_ticket"),
    path("staff/support/queue/", queue_views.triage_queue, name="triage_queue"),
    path("staff/support/queue/assign/", queue_views.triage_bulk_assign, name="triage_bulk_assign"),
    path("kb/", kb_views.kb_index, name="kb_index"),
    path("kb/<slug:slug>/", kb_views.kb_article, name="kb_article"),
    path("staff/kb/", kb_views.kb_manage, name="kb_manage"),
    path("staff/kb/new/", kb_views.kb_article_new, name="kb_article_new"),
    path("staff/kb/<int:pk>/", kb_views.kb_article_edit, name="kb_article_edit"),
    path("staff/kb/<int:pk>/publish/", kb_views.kb_article_publish, name="kb_article_publish"),
    path("downloads/", kb_views.downloads, name="downloads"),
]

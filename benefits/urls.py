from django.urls import path

from benefits import staff_views, views

urlpatterns = [
    # The partner's pages (the active organization's), each gated by its benefit.
    path("partner/sales/", views.sales_home, name="sales_home"),
    path("partner/deals/", views.deal_list, name="deal_list"),
    path("partner/deals/new/", views.deal_new, name="deal_new"),
    path("partner/deals/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("partner/deals/<int:pk>/extend/", views.deal_extend, name="deal_extend"),
    path("partner/referrals/", views.referral_list, name="referral_list"),
    path("partner/referrals/new/", views.referral_new, name="referral_new"),
    path("partner/referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("partner/commissions/", views.commission_statements, name="commission_statements"),
    path(
        "partner/commissions/<int:year>/q<int:quarter>/",
        views.commission_statement,
        name="commission_statement",
    ),
    path(
        "partner/commissions/<int:year>/q<int:quarter>/csv/",
        views.commission_statement_csv,
        name="commission_statement_csv",
    ),
    path("partner/leads/", views.lead_offer_list, name="lead_offer_list"),
    path("partner/leads/<int:pk>/", views.lead_offer_detail, name="lead_offer_detail"),
    path("partner/leads/<int:pk>/accept/", views.lead_offer_accept, name="lead_offer_accept"),
    path("partner/leads/<int:pk>/decline/", views.lead_offer_decline, name="lead_offer_decline"),
    path("partner/volume-discount/", views.volume_discount, name="volume_discount"),
    path("partner/nfr/", views.nfr_list, name="nfr_list"),
    path("partner/news/", views.news_list, name="news_list"),
    # OpenNebula staff.
    path("staff/deals/", staff_views.deal_queue, name="staff_deals"),
    path("staff/deals/<int:pk>/", staff_views.deal_detail, name="staff_deal"),
    path("staff/deals/<int:pk>/approve/", staff_views.deal_approve, name="staff_deal_approve"),
    path("staff/deals/<int:pk>/reject/", staff_views.deal_reject, name="staff_deal_reject"),
    path("staff/deals/<int:pk>/extend/", staff_views.deal_extend, name="staff_deal_extend"),
    path(
        "staff/deals/<int:pk>/order-form/",
        staff_views.deal_order_form,
        name="staff_deal_order_form",
    ),
    path("staff/referrals/", staff_views.referral_queue, name="staff_referrals"),
    path("staff/referrals/<int:pk>/", staff_views.referral_detail, name="staff_referral"),
    path(
        "staff/referrals/<int:pk>/qualify/",
        staff_views.referral_qualify,
        name="staff_referral_qualify",
    ),
    path(
        "staff/referrals/<int:pk>/decline/",
        staff_views.referral_decline,
        name="staff_referral_decline",
    ),
    path(
        "staff/referrals/<int:pk>/order-form/",
        staff_views.referral_order_form,
        name="staff_referral_order_form",
    ),
    path("staff/commissions/", staff_views.commission_ledger, name="staff_commissions"),
    path("staff/leads/", staff_views.lead_pool, name="staff_leads"),
    path("staff/leads/new/", staff_views.lead_new, name="staff_lead_new"),
    path("staff/leads/<int:pk>/", staff_views.lead_detail, name="staff_lead"),
    path("staff/leads/<int:pk>/offer/", staff_views.lead_offer, name="staff_lead_offer"),
    path("staff/leads/<int:pk>/close/", staff_views.lead_close, name="staff_lead_close"),
    path("staff/nfr/", staff_views.nfr_queue, name="staff_nfr_requests"),
    path("staff/nfr/<int:pk>/", staff_views.nfr_detail, name="staff_nfr_request"),
    path("staff/news/", staff_views.news_admin, name="staff_news"),
    path("staff/news/new/", staff_views.news_new, name="staff_news_new"),
    path("staff/news/<int:pk>/withdraw/", staff_views.news_withdraw, name="staff_news_withdraw"),
]

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

# The admin login goes through allauth, so it gets MFA and rate limits too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "OpenNebula Portal administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("programs.urls")),
    path("", include("subscriptions.urls")),
    path("", include("billing.urls")),
    path("", include("support.urls")),
    path("", include("benefits.urls")),
]

if settings.BENCH:
    from partnerportal import bench

    urlpatterns.append(path("bench/floor/", bench.floor, name="bench_floor"))

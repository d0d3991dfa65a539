from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def rate_limits_enabled(app_configs, **kwargs):
    if settings.RATE_LIMITS_ENABLED:
        return []
    return [
        Warning(
            "Rate limits are off (RATE_LIMITS_ENABLED=false): sign-in, sign-up, password "
            "and token-verify requests are not throttled.",
            hint="Unset RATE_LIMITS_ENABLED; only the security scan of `make check` sets it.",
            id="accounts.W001",
        )
    ]

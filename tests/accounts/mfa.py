from allauth.mfa.totp.internal.auth import TOTP

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enroll_totp(user, secret=DEMO_TOTP_SECRET):
    return TOTP.activate(user, secret)

from django.urls import reverse

TOO_MANY = "Too many failed login attempts. Try again later."


def failed_login(client):
    response = client.post(
        reverse("account_login"), {"login": "main@globex.example", "password": "wrong-password"}
    )
    return response.context["form"].non_field_errors()


def test_the_sixth_failed_login_in_five_minutes_is_refused(client, globex_main):
    errors = [failed_login(client) for _ in range(6)]
    assert all(TOO_MANY not in e for e in errors[:5])
    assert TOO_MANY in errors[5]


def test_a_rate_limited_person_cannot_log_in_even_with_the_right_password(client, globex_main):
    for _ in range(5):
        failed_login(client)
    response = client.post(
        reverse("account_login"), {"login": "main@globex.example", "password": "demo-pass-2026"}
    )
    assert TOO_MANY in response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session

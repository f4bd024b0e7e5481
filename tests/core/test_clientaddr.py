"""One trusted-proxy setting decides the client address; one rate limiter serves the public
survey, the conference registration, the API token endpoint and the login page. A spoofed
X-Forwarded-For without a trusted proxy changes nothing; behind the proxy each client has its
own budget."""

import ipaddress

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from core.clientaddr import client_address, resolve

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _nets(*items):
    return tuple(ipaddress.ip_network(i) for i in items)


def test_without_trusted_proxy_the_header_is_ignored():
    assert resolve("203.0.113.5", "1.2.3.4", ()) == "203.0.113.5"
    # A client that is not a trusted proxy cannot speak for others either.
    assert resolve("203.0.113.5", "1.2.3.4", _nets("10.0.0.0/8")) == "203.0.113.5"


def test_behind_trusted_proxies_the_first_untrusted_from_the_right_counts():
    nets = _nets("10.0.0.0/8")
    assert resolve(PROXY, "198.51.100.7", nets) == "198.51.100.7"
    # The client prepends a fake address: the proxy appended the real one after it.
    assert resolve(PROXY, "1.2.3.4, 198.51.100.7", nets) == "198.51.100.7"
    # Two proxies in a row, ports and IPv6 as proxies write them.
    assert resolve(PROXY, "198.51.100.7:5555, 10.0.0.2", nets) == "198.51.100.7"
    assert resolve(PROXY, "[2001:db8::7]:443", nets) == "2001:db8::7"
    # Garbage: the last address a trusted proxy vouched for.
    assert resolve(PROXY, "not-an-ip", nets) == PROXY


def test_middleware_sets_remote_addr_once(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == "198.51.100.7"
    response = Client().get(
        "/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert response.wsgi_request.META["REMOTE_ADDR"] == "198.51.100.9"


def _login(client, **meta):
    return client.post(reverse("login"), {"username": "nobody", "password": "wrong"}, **meta)


def test_login_page_is_limited_and_spoofing_does_not_help(settings, db):
    settings.TEILHABE_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        assert _login(client, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert _login(client, REMOTE_ADDR="203.0.113.5").status_code == 429
    spoofed = _login(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert spoofed.status_code == 429
    # The API token endpoint draws on the same budget.
    token = client.post(
        "/api/v1/auth/token/",
        {"username": "someone", "password": "x"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.5",
    )
    assert token.status_code == 429


def test_correct_sign_in_does_not_use_the_budget(settings, staff_user):
    settings.TEILHABE_LOGIN_ATTEMPTS = 2
    staff_user.set_password("pw-123-secret")
    staff_user.save()
    for _ in range(4):
        ok = Client().post(
            reverse("login"),
            {"username": staff_user.username, "password": "pw-123-secret"},
            REMOTE_ADDR="203.0.113.6",
        )
        assert ok.status_code == 302


def test_token_endpoint_is_limited(settings, db):
    settings.TEILHABE_LOGIN_ATTEMPTS = 2
    client = Client()

    def ask():
        return client.post(
            "/api/v1/auth/token/",
            {"username": "x", "password": "y"},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.7",
        )

    assert [ask().status_code for _ in range(3)] == [403, 403, 429]


def test_behind_the_proxy_each_client_has_its_own_login_budget(settings, db):
    settings.TEILHABE_LOGIN_ATTEMPTS = 2
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client()
    for _ in range(2):
        _login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert _login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_conference_registration_counts_the_resolved_address(settings, rf):
    from participation.conference import views

    settings.TRUSTED_PROXIES = [PROXY]
    behind = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.3")
    spoofed = rf.post("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert views.client_address(behind) == "198.51.100.3"
    assert views.client_address(spoofed) == "203.0.113.9"


def test_gunicorn_trusts_the_same_proxies(monkeypatch):
    import importlib

    import config.gunicorn as conf

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1,10.0.0.2")
    assert importlib.reload(conf).forwarded_allow_ips == "10.0.0.1,10.0.0.2"
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert importlib.reload(conf).forwarded_allow_ips == "127.0.0.1"
    assert conf.accesslog is None


def test_blocked_address_cannot_sign_in_even_with_the_right_password(settings, staff_user):
    settings.TEILHABE_LOGIN_ATTEMPTS = 2
    staff_user.set_password("pw-123-secret")
    staff_user.save()
    client = Client()
    for _ in range(2):
        _login(client, REMOTE_ADDR="203.0.113.10")
    right = client.post(
        reverse("login"),
        {"username": staff_user.username, "password": "pw-123-secret"},
        REMOTE_ADDR="203.0.113.10",
    )
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert "Anmeldeversuche" in right.content.decode()

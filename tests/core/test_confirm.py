"""The shared confirmation of irreversible actions: a page without JavaScript, its box for the
dialog (static/js/confirm.js) with it."""

from django.test import RequestFactory

from core.views import confirm_page, confirmed


def test_confirmed_only_for_a_post_carrying_confirm():
    factory = RequestFactory()
    assert not confirmed(factory.get("/x/?confirm=1"))
    assert not confirmed(factory.post("/x/"))
    assert not confirmed(factory.post("/x/", {"confirm": "yes"}))
    assert confirmed(factory.post("/x/", {"confirm": "1"}))


def test_confirm_page_says_what_happens_and_posts_back_with_confirm(rf, admin_user):
    request = rf.post("/things/7/delete/", {"reminder": "1"})
    request.user = admin_user
    response = confirm_page(
        request,
        title="Delete <the> thing?",
        text="It is gone for good.",
        consequences=["3 answers are removed."],
        button="Delete",
        fields={"reminder": "1", "confirm": "0"},
        cancel_url="/things/7/",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete &lt;the&gt; thing?" in html  # escaped
    assert "It is gone for good." in html and "3 answers are removed." in html
    assert 'action="/things/7/delete/"' in html
    assert 'name="reminder" value="1"' in html
    assert html.count('name="confirm"') == 1 and 'name="confirm" value="1"' in html
    assert "data-confirm-box" in html and 'href="/things/7/"' in html
    assert "<script>" not in html  # no inline script: the dialog comes from a static file

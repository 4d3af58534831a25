"""Roles decide what a session may read: sign-in (st.login) when configured, the local demo
switch otherwise, and a leader (aggregates only) whenever neither says more."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import auth
from tests.e2e.apptest_helpers import APP, assert_no_error

pytestmark = pytest.mark.e2e

AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "ghg-dashboard",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://sso.example.gov.cn/.well-known/openid-configuration",
}
ROLE_SECRETS = {"officer": ["Officer@Gansu.example.cn"], "analyst": ["analyst@gansu.example.cn"]}


def registered_scripts(app: AppTest) -> set[str]:
    """The page scripts st.navigation registered in the last run."""
    return {str(info.get("script_path", "")) for info in app._registered_pages.values()}


def has_enterprise_page(app: AppTest) -> bool:
    return any(script.endswith("enterprises.py") for script in registered_scripts(app))


def signed_in_app(email: str | None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.secrets["auth"] = AUTH_SECRETS
    app.secrets["ghg_roles"] = ROLE_SECRETS
    app.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email}
    return app.run()


def test_role_for_email_is_case_insensitive_and_least_privilege():
    assert auth.role_for_email("officer@gansu.example.cn", ROLE_SECRETS) == "officer"
    assert auth.role_for_email(" ANALYST@gansu.example.cn ", ROLE_SECRETS) == "analyst"
    assert auth.role_for_email("someone@else.cn", ROLE_SECRETS) == "leader"
    assert auth.role_for_email(None, ROLE_SECRETS) == "leader"
    # Listed twice: the wider role; a single string instead of a list is accepted.
    assert auth.role_for_email("a@b.cn", {"officer": "a@b.cn", "analyst": ["a@b.cn"]}) == "analyst"


def test_sign_in_required_when_configured(sample_app, monkeypatch):
    app = signed_in_app(None)
    assert_no_error(app)
    assert [button.label for button in app.button] == ["登录"]
    assert not app.metric and not app.dataframe
    assert len(app._registered_pages) == 1  # the sign-in page only


def test_signed_in_officer_gets_the_enterprise_page(sample_app):
    app = signed_in_app("officer@gansu.example.cn")
    assert_no_error(app)
    assert has_enterprise_page(app)


def test_signed_in_but_unlisted_is_a_leader(sample_app):
    app = signed_in_app("visitor@gansu.example.cn")
    assert_no_error(app)
    assert registered_scripts(app) and not has_enterprise_page(app)
    with pytest.raises(ValueError):
        app.switch_page("page_scripts/enterprises.py")


def test_without_sign_in_or_demo_mode_everybody_is_a_leader(sample_app, monkeypatch):
    monkeypatch.delenv("GHG_DASHBOARD_MODE")
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state["role"] = "officer"  # what a demo switch would have set: ignored here
    app.query_params["role"] = "analyst"  # query parameters never choose the role
    app.run()
    assert_no_error(app)
    assert registered_scripts(app) and not has_enterprise_page(app)
    with pytest.raises(ValueError):
        app.switch_page("page_scripts/enterprises.py")


def test_query_parameters_never_choose_the_role_in_demo_mode(sample_app):
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.query_params["role"] = "officer"
    app.run()
    assert registered_scripts(app) and not has_enterprise_page(app)


def test_a_leader_session_reads_the_public_file(sample_app, monkeypatch):
    from dashboards import warehouse

    # Each role's file is opened inside the generation `current` points at (one publication).
    public, full = (sample_app / "ghg_public.duckdb").resolve(), (sample_app / "ghg.duckdb").resolve()
    assert warehouse.warehouse_path("leader") == public
    assert warehouse.warehouse_path("officer") == full
    assert warehouse.warehouse_path("analyst") == full
    assert warehouse.warehouse_path("no-such-role") == public

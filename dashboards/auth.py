"""Who is looking, and therefore which warehouse file the session may open.

Three roles (enterprise data is confidential: docs/methodology.md, "The public warehouse"):
- leader: aggregates only. The session opens warehouse/ghg_public.duckdb, which holds no
  enterprise rows at all, so no page and no query parameter can show an enterprise name or code.
- officer, analyst: authorised; they read the full warehouse (enterprise reports, compliance).

How the role is decided, in order:
1. Streamlit's st.login (OIDC) when `.streamlit/secrets.toml` has an `[auth]` section. The
   signed-in e-mail is looked up in `[ghg_roles]` (officer = [...], analyst = [...]); anyone
   signed in but not listed is a leader (least privilege). Not signed in: a sign-in button only.
2. The local demo mode (GHG_DASHBOARD_MODE=demo, set by `make run` / `ghg serve --demo`): a
   role switch in the sidebar, for trying the product on the bundled sample on one's own machine.
3. Otherwise everybody is a leader: a dashboard started without sign-in configured never serves
   confidential data.
Query parameters never choose the role.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

ROLES = ("leader", "officer", "analyst")
AUTHORISED_ROLES = frozenset({"officer", "analyst"})
DEFAULT_ROLE = "leader"

MODE_ENV = "GHG_DASHBOARD_MODE"
DEMO_MODE = "demo"
ROLE_KEY = "role"  # the demo-mode sidebar switch's session-state key
ROLES_SECRET = "ghg_roles"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError):  # no secrets.toml at all
        return False
    except Exception:  # a secrets file Streamlit cannot parse: fail closed (leader) rather than crash
        return False


def demo_mode() -> bool:
    return os.environ.get(MODE_ENV, "").strip().lower() == DEMO_MODE and not oidc_configured()


def role_for_email(email: str | None, mapping: Mapping[str, object]) -> str:
    """The role configured for an e-mail address (case-insensitive); leader when not listed."""
    if not email:
        return DEFAULT_ROLE
    wanted = email.strip().lower()
    for role in ("analyst", "officer"):  # the wider role wins when an address is listed twice
        listed = mapping.get(role) or []
        if isinstance(listed, str):
            listed = [listed]
        if wanted in {str(address).strip().lower() for address in listed}:
            return role
    return DEFAULT_ROLE


def current_role() -> str:
    """The session's role; never raises (an unknown state means leader)."""
    if oidc_configured():
        user = getattr(st, "user", None)
        if user is None or not user.get("is_logged_in", False):
            return DEFAULT_ROLE
        try:
            mapping = dict(st.secrets.get(ROLES_SECRET, {}))
        except Exception:
            mapping = {}
        return role_for_email(user.get("email"), mapping)
    if demo_mode():
        role = st.session_state.get(ROLE_KEY, DEFAULT_ROLE)
        return role if role in ROLES else DEFAULT_ROLE
    return DEFAULT_ROLE


def is_authorised(role: str | None = None) -> bool:
    return (role or current_role()) in AUTHORISED_ROLES


def needs_sign_in() -> bool:
    """True when sign-in is configured and this session has not signed in yet."""
    if not oidc_configured():
        return False
    user = getattr(st, "user", None)
    return user is None or not user.get("is_logged_in", False)

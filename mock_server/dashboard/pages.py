"""The dashboard's pages: sign in and out, the API keys page, a key's usage page, and "not found".

Pages are plain templates; the data on them comes from the API, fetched by the page's script.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..api.auth import SESSION_COOKIE, same_origin
from ..api.spec import load_spec
from ..control.access import token_matches, token_required
from ..errors import ApiError
from ..handle import handle_of
from .headers import secure
from .organisations import demo_organisations, label

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
bp.after_request(secure)

# What each scope grants, quoted from the authentication docs' scope table (C5).
SCOPE_MEANINGS = {
    "products:read": "List and get products, passports, QR codes",
    "products:write": "Create products",
    "passports:read": "Read passport data",
    "passports:write": "Create and publish passports",
    "suppliers:read": "List suppliers",
    "suppliers:write": "Create suppliers",
    "analytics:read": "View scan analytics",
}
NEW_ORGANIZATION = "new"


def grantable_scopes() -> list[tuple[str, str]]:
    """The scopes a key may carry, as openapi.yaml lists them, with their documented meaning."""
    cached: list[tuple[str, str]] | None = handle_of(current_app).memo.get("dashboard_scopes")
    if cached is None:
        names = load_spec()["components"]["schemas"]["Scope"]["enum"]
        cached = [(name, SCOPE_MEANINGS.get(name, "")) for name in names]
        handle_of(current_app).memo["dashboard_scopes"] = cached
    return cached


def _organization() -> tuple[str, str] | None:
    """The signed-in organisation's id and the name the pages show, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    state = handle_of(current_app).state
    org_id = state.session_org(token) if token else None
    org = state.organizations.get(org_id) if org_id else None
    return (org.id, label(org)) if org is not None else None


def _sign_in_page(error: str | None = None, status: int = 200) -> Response:
    orgs = [(org.id, label(org)) for org in demo_organisations(current_app)]
    page = render_template("dashboard/sign_in.html", orgs=orgs, error=error, token_required=token_required())
    return Response(page, status)


def _not_found(what: str) -> Response:
    """A page that says what was not found and leads back, with a 404 (an unknown key, another organisation's)."""
    org_id, org_name = _organization() or (None, None)
    page = render_template("dashboard/not_found.html", what=what, org_id=org_id, org_name=org_name)
    return Response(page, 404)


@bp.get("")
def keys_page() -> Response:
    signed_in = _organization()
    if signed_in is None:
        return _sign_in_page()
    org_id, org_name = signed_in
    return Response(
        render_template(
            "dashboard/keys.html", org_id=org_id, org_name=org_name, active="keys", scopes=grantable_scopes()
        )
    )


@bp.get("/keys/<key_id>")
def usage_page(key_id: str) -> Response:
    signed_in = _organization()
    if signed_in is None:
        return _sign_in_page()
    org_id, org_name = signed_in
    try:
        handle_of(current_app).state.keys.get_any(org_id, key_id)  # revoked keys keep their audit page
    except ApiError:
        return _not_found("key")
    return Response(render_template("dashboard/usage.html", org_id=org_id, org_name=org_name, key_id=key_id))


@bp.get("/<path:_rest>")
def unknown_page(_rest: str) -> Response:
    return _not_found("page")


@bp.post("/sign-in")
def sign_in() -> Response:
    """Open a new session for the chosen organisation, as ``POST /_mock/sessions`` does."""
    try:
        same_origin(request)  # a page elsewhere must not sign the browser in to its own choice
    except ApiError as err:
        return _sign_in_page(err.message, err.status)
    # A shared mock (started with a control-plane token) opens sessions only for holders of the
    # token, here as at POST /_mock/sessions: otherwise anyone reaching the port could sign in.
    if not token_matches(request.form.get("control_token", "")):
        return _sign_in_page("This mock is shared: signing in needs its control-plane token.", 401)
    choice = request.form.get("organization", "")
    state = handle_of(current_app).state
    with state.lock:
        if choice == NEW_ORGANIZATION:
            org_id = state.add_organization().id
        elif choice in {org.id for org in demo_organisations(current_app)}:  # what the page offers, no more
            org_id = choice
        else:
            return _sign_in_page("Choose an organisation.", 422)
        token = state.add_session(org_id)
    resp = Response(status=303, headers={"Location": "/dashboard"})
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", path="/")
    return resp


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the session and clear the cookie."""
    try:
        same_origin(request)
    except ApiError as err:
        return Response(err.message, err.status, content_type="text/plain")
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        handle_of(current_app).state.end_session(token)
    resp = Response(status=303, headers={"Location": "/dashboard"})
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
    return resp

"""The way in: the instance's front page, signing in and out, the password, the language."""

from __future__ import annotations

import asyncio

from quart import Blueprint, Response, request

from jxfed.actors.passwords import MIN_LENGTH, check_password, hash_password
from jxfed.settings import LANGUAGES
from jxfed.web.context import services
from jxfed.web.mastodon.api.http import client_ip
from jxfed.web.mastodon.api.state import api_state
from jxfed.web.mastodon.api_errors import TooManyRequests
from jxfed.web.mastodon.logins import login
from jxfed.web.pages import i18n, sessions
from jxfed.web.pages.directory import space_directory
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import local_path, member_or_sign_in

blueprint = Blueprint("pages_entry", __name__)


@blueprint.get("/")
async def front_page() -> Response:
    if await sessions.signed_in_member() is not None:
        return see_other("/home")
    settings = services().settings
    return await page(
        "pages/front.html", description=settings.description, spaces=await space_directory()
    )


@blueprint.get("/sign-in")
async def sign_in_form() -> Response:
    return await page("pages/sign_in.html", form=Form(), next=local_path(request.args.get("next")))


@blueprint.post("/sign-in")
async def sign_in() -> Response:
    form = await submitted()
    name = form.text("username", limit=300)
    password = form.text("password", limit=1000)
    next_page = local_path(form.values.get("next"))
    form.values.pop("password", None)  # never sent back into the page
    if not form.valid:
        return await page("pages/sign_in.html", 422, form=form, next=next_page)
    try:
        member = await login(
            api_state().limits, client_ip(), name, password, services().settings.domain
        )
    except TooManyRequests as wait:
        form.problem("password", _("Too many failed attempts: try again in a few minutes."))
        response = await page("pages/sign_in.html", 429, form=form, next=next_page)
        response.headers.update(wait.headers())
        return response
    if member is None:
        form.problem("password", _("This name and password do not match."))
        return await page("pages/sign_in.html", 422, form=form, next=next_page)
    response = see_other(next_page or "/home")
    await sessions.start(response, member)
    return response


@blueprint.post("/sign-out")
async def sign_out() -> Response:
    await submitted()
    response = see_other("/")
    await sessions.end(response)
    return response


@blueprint.get("/password")
async def password_form() -> Response:
    await member_or_sign_in()
    return await page("pages/password.html", form=Form(), min_password=MIN_LENGTH)


@blueprint.post("/password")
async def change_password() -> Response:
    member = await member_or_sign_in()
    form = await submitted()
    current = form.text("current", limit=1000)
    new = form.text("new", limit=1000)
    again = form.text("again", limit=1000)
    if new and len(new) < MIN_LENGTH:
        form.problem("new", _("At least %(count)s characters.", count=MIN_LENGTH))
    if new and again and new != again:
        form.problem("again", _("The two new passwords differ."))
    matches = await asyncio.to_thread(check_password, current, member.password_hash)
    if form.valid and not matches:
        form.problem("current", _("This is not your current password."))
    form.values = {}  # passwords are never sent back into the page
    if not form.valid:
        return await page("pages/password.html", 422, form=form, min_password=MIN_LENGTH)
    member.password_hash = await asyncio.to_thread(hash_password, new)
    await member.save(update_fields=["password_hash"])
    await sessions.end_all(member)  # every browser signed in with the old password is out
    response = see_other("/home?changed=password")
    await sessions.start(response, member)
    return response


@blueprint.post("/language")
async def choose_language() -> Response:
    form = await submitted()
    language = form.choice("language", LANGUAGES)
    back = local_path(form.values.get("next")) or "/"
    response = see_other(back)
    if not form.valid:
        return response
    member = await sessions.signed_in_member()
    if member is not None:
        member.language = language
        await member.save(update_fields=["language"])
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=not services().settings.insecure_http,
    )
    return response

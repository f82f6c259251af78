"""The member's notifications, newest first, and marking them all read."""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.spaces import notifying
from jxfed.web.pages.forms import submitted
from jxfed.web.pages.notices import notices
from jxfed.web.pages.readers import reader_for
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import member_or_sign_in

blueprint = Blueprint("pages_notifications", __name__)


@blueprint.get("/notifications")
async def notifications() -> Response:
    member = await member_or_sign_in()
    listed = await notifying.list_notifications(member)
    shown = await notices(member, await reader_for(member), listed)
    return await page("pages/notifications.html", notices=shown)


@blueprint.post("/notifications/read")
async def mark_all_read() -> Response:
    await submitted()
    member = await member_or_sign_in()
    await notifying.mark_read(member)
    return see_other("/notifications")

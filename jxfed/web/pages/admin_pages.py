"""The administrators' pages: the overview and the peer allowlist.

Only an administrator reaches them; anyone else signed in gets the 404 of a page that does not
exist, and a stranger is sent to sign in. A change to the allowlist is the one the command line
makes, and this process forgets its cached allowlist so that it applies at once.
"""

from __future__ import annotations

from quart import Blueprint, Response

from jxfed.activitypub.models import Peer
from jxfed.activitypub.peers import allow_peer, list_peers, remove_peer
from jxfed.actors.models import Member
from jxfed.actors.names import RESERVED, validate_name
from jxfed.errors import ConfigError, JxfedError, NotFound
from jxfed.spaces.models import Space
from jxfed.web.context import services
from jxfed.web.pages.forms import Form, submitted
from jxfed.web.pages.i18n import gettext as _
from jxfed.web.pages.rendering import page, see_other
from jxfed.web.pages.signing import administrator

blueprint = Blueprint("pages_admin", __name__)


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a member's or a space's name (the service's rule), or None."""
    try:
        validate_name(name)
    except JxfedError:
        if name in RESERVED:
            return _("This name is reserved.")
        return _("Use 1 to 64 lower-case letters, digits and '_', with '.' or '-' only inside.")
    return None


@blueprint.get("/admin")
async def overview() -> Response:
    """The overview: what the instance holds, with a link to each page."""
    await administrator()
    return await page(
        "pages/admin.html",
        peers=await Peer.all().count(),
        members=await Member.all().count(),
        spaces=await Space.all().count(),
    )


async def _peers_page(form: Form, status: int = 200, removal: str = "") -> Response:
    return await page(
        "pages/admin_peers.html", status, peers=await list_peers(), form=form, removal=removal
    )


@blueprint.get("/admin/peers")
async def peers() -> Response:
    """The allowlist, and the form to allow an instance."""
    await administrator()
    return await _peers_page(Form())


@blueprint.post("/admin/peers")
async def allow() -> Response:
    """Allow an instance, as `jxfed peers allow` does, at once in this process."""
    await administrator()
    form = await submitted()
    domain = form.text("domain", limit=260)
    if form.valid:
        try:
            await allow_peer(domain)
        except ConfigError:
            form.problem("domain", _("Write a host name, or HOST:PORT, such as peer.example.org."))
    if not form.valid:
        return await _peers_page(form, 422)
    services().peers.forget()
    return see_other("/admin/peers")


@blueprint.post("/admin/peers/remove")
async def remove() -> Response:
    """Remove an instance from the allowlist, as `jxfed peers remove` does, at once."""
    await administrator()
    form = await submitted()
    domain = form.text("domain", limit=260)
    try:
        await remove_peer(domain)
    except (ConfigError, NotFound):
        message = _("%(domain)s is not on the allowlist.", domain=domain)
        return await _peers_page(Form(), 422, removal=message)
    services().peers.forget()
    return see_other("/admin/peers")

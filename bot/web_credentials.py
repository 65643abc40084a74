"""Public credential pages: DID documents, status lists, credentials, badge images, portfolios."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from aiohttp import web

from catalogue.models import City, Partner
from conversations.i18n import LANGUAGES, _, format_date, ngettext, use_language
from credentials import did, images
from credentials.achievements import to_ob3
from credentials.awards import AwardView, award_by_uuid, award_view, baked_png, credential_of
from credentials.checking import verify_locally
from credentials.competences import competence_label
from credentials.issuers import did_document_for
from credentials.models import Achievement
from credentials.portfolio import PortfolioSummary, portfolio_summary
from credentials.status import status_list_document
from credentials.verify import VerificationResult
from storage import Database, utcnow

UUID = "{uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}"
JSON_LD = "application/ld+json"


@dataclass(frozen=True)
class CredentialSite:
    """What the credential pages need: the database, our address, and the key secret."""

    database: Database
    public_base_url: str
    secret_key: bytes | None
    clock: Callable[[], datetime] = utcnow


SITE = web.AppKey("credential_site", CredentialSite)

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;
 color:#1d2330}} h1{{color:#0b5cad;margin-bottom:.2rem}} img{{max-width:12rem}}
.ok{{background:#e8f5e9;color:#1b5e20}} .bad{{background:#ffebee;color:#8e1b1b}}
.unknown{{background:#fff8e1;color:#6d4c00}}
.verdict{{border-radius:12px;padding:1rem;margin:1rem 0}} a{{color:#0b5cad}}
.badge{{display:flex;gap:1rem;align-items:center;margin:1rem 0}} dt{{font-weight:bold}}
</style></head><body>{body}</body></html>"""


def _language(request: web.Request) -> str:
    wanted = request.query.get("lang", "")
    if wanted in LANGUAGES:
        return wanted
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def _html(language: str, title: str, body: str, status: int = 200) -> web.Response:
    text = _PAGE.format(lang=escape(language), title=escape(title), body=body)
    return web.Response(text=text, content_type="text/html", status=status)


def _json(document: Any, content_type: str = JSON_LD) -> web.Response:
    return web.Response(
        text=json.dumps(document, ensure_ascii=False, indent=2),
        content_type=content_type,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=60"},
    )


async def did_json(request: web.Request) -> web.Response:
    """The DID document of an issuer, listing every key it ever signed with."""
    site = request.app[SITE]
    try:
        issuer = did.issuer_did(site.public_base_url, request.match_info["slug"])
    except did.DidError as error:
        raise web.HTTPNotFound(text="no such issuer") from error
    async with site.database.session() as session:
        document = await did_document_for(session, issuer)
    if document is None:
        raise web.HTTPNotFound(text="no such issuer")
    return _json(document, "application/did+ld+json")


async def status_json(request: web.Request) -> web.Response:
    """An issuer's revocation list, rebuilt from the awards and signed now."""
    site = request.app[SITE]
    if site.secret_key is None:
        raise web.HTTPServiceUnavailable(text="status lists are not configured")
    async with site.database.session() as session:
        document = await status_list_document(
            session,
            request.match_info["slug"],
            int(request.match_info["number"]),
            site.public_base_url,
            site.secret_key,
            site.clock(),
        )
    if document is None:
        raise web.HTTPNotFound(text="no such status list")
    return _json(document)


async def _award(request: web.Request) -> tuple[Any, AwardView]:
    site = request.app[SITE]
    async with site.database.session() as session:
        # Hiding a badge from the portfolio does not take down its own page: the learner may
        # have shared that link already (LinkedIn, a CV), and it must keep verifying.
        award = await award_by_uuid(session, request.match_info["uuid"])
        if award is None:
            raise web.HTTPNotFound(text="no such credential")
        if award.learner_id is None and _names_its_holder(credential_of(award)):
            # The learner deleted their account, and this credential carries their name (they
            # chose that): it is no longer published here. Copies they shared still verify,
            # since that needs only the issuer's DID document and the status list.
            raise web.HTTPGone(
                text="The person who earned this badge deleted their account, so it is no "
                "longer shown here."
            )
        return award, await award_view(session, award, site.public_base_url)


def _names_its_holder(credential: dict[str, Any]) -> bool:
    subject = credential.get("credentialSubject") or {}
    identifiers = subject.get("identifier") or []
    return any(
        isinstance(item, dict) and item.get("identityType") == "name" for item in identifiers
    )


async def credential_json(request: web.Request) -> web.Response:
    """The signed credential, as JSON to download or hand to any verifier."""
    award, view = await _award(request)
    response = _json(credential_of(award))
    response.headers["Content-Disposition"] = f'attachment; filename="{view.file_stem}.json"'
    return response


async def credential_png(request: web.Request) -> web.Response:
    """The badge image with the credential baked in."""
    award, view = await _award(request)
    async with request.app[SITE].database.session() as session:
        data = await baked_png(session, award)
    return web.Response(
        body=data,
        content_type="image/png",
        headers={"Content-Disposition": f'inline; filename="{view.file_stem}.png"'},
    )


def _verdict_html(result: VerificationResult, *, revoked: bool) -> str:
    """The verdict; ``revoked`` is what our own records say, whatever the check could read."""
    if result.valid and not revoked and result.status == "active":
        return (
            '<div class="verdict ok">'
            + escape(_("✅ Genuine: the signature checks out and the badge has not been revoked."))
            + "</div>"
        )
    if result.valid and not revoked:
        # Signed by the issuer, but the revocation list could not be read here.
        return (
            '<div class="verdict unknown">'
            + escape(
                _(
                    "✅ The signature checks out. Whether the badge is still valid could not "
                    "be checked right now."
                )
            )
            + "</div>"
        )
    if revoked or result.status == "revoked":
        message = _("⛔ This badge has been revoked.")
    else:
        message = _("⚠️ This badge could not be verified.")
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in result.reasons)
    return f'<div class="verdict bad">{escape(message)}<ul>{reasons}</ul></div>'


async def credential_page(request: web.Request) -> web.Response:
    """A page for people: what the badge is, who gave it, when, and whether it is genuine."""
    site = request.app[SITE]
    award, view = await _award(request)
    async with site.database.session() as session:
        result = await verify_locally(
            session, credential_of(award), site.public_base_url, site.secret_key, site.clock()
        )
    language = _language(request)
    with use_language(language):
        labels = {
            "given": _("Given by"),
            "date": _("Date"),
            "identity": _("Issuer identity"),
            "skills": _("Skills"),
            "json": _("Download the credential (JSON)"),
            "png": _("Download the badge (PNG)"),
        }
        label = {key: escape(text) for key, text in labels.items()}
        issued = escape(format_date(view.issued_at, "long"))
        competences = "".join(f"<li>{escape(competence_label(c))}</li>" for c in view.competences)
        details = (
            f"<dl><dt>{label['given']}</dt><dd>{escape(view.issuer_name)}</dd>"
            f"<dt>{label['date']}</dt><dd>{issued}</dd>"
            f"<dt>{label['identity']}</dt><dd><code>{escape(view.issuer_id)}</code></dd></dl>"
        )
        skills = f"<h2>{label['skills']}</h2><ul>{competences}</ul>" if competences else ""
        links = (
            f'<p><a href="{escape(view.json_url)}">{label["json"]}</a> · '
            f'<a href="{escape(view.png_url)}">{label["png"]}</a></p>'
        )
        body = (
            f'<div class="badge"><img src="{escape(view.png_url)}" alt=""><div>'
            f"<h1>{escape(view.name)}</h1><p>{escape(view.description)}</p></div></div>"
            f"{_verdict_html(result, revoked=award.revoked)}{details}{skills}{links}"
        )
        return _html(language, view.name, body)


async def _summary(request: web.Request) -> PortfolioSummary:
    site = request.app[SITE]
    async with site.database.session() as session:
        summary = await portfolio_summary(
            session, request.match_info["token"], site.public_base_url
        )
    if summary is None:
        raise web.HTTPNotFound(text="this portfolio is not public")
    return summary


def _portfolio_title(summary: PortfolioSummary) -> str:
    """The page heading, already escaped: placeholders are escaped by ``_()``."""
    if summary.name:
        return _("Badges of {name}", name=summary.name)
    return escape(_("Badges"))


async def portfolio_page(request: web.Request) -> web.Response:
    """A learner's public portfolio, while they keep its link switched on."""
    summary = await _summary(request)
    language = _language(request)
    with use_language(language):
        items = "".join(
            f'<div class="badge"><img src="{escape(v.png_url)}" alt="" width="96"><div>'
            f'<a href="{escape(v.page_url)}"><b>{escape(v.name)}</b></a><br>'
            f"{escape(v.issuer_name)} · {escape(format_date(v.issued_at, 'long'))}</div></div>"
            for v in summary.awards
        )
        title = _portfolio_title(summary)
        page = _PAGE.format(lang=escape(language), title=title, body=f"<h1>{title}</h1>{items}")
        return web.Response(text=page, content_type="text/html")


_PRINT_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
@page{{size:A4;margin:14mm}}
body{{font-family:system-ui,sans-serif;font-size:11pt;color:#111;max-width:182mm;
 margin:1rem auto;padding:0 4mm}}
h1{{font-size:18pt;margin:0 0 1mm}} h2{{font-size:12pt;margin:0 0 1mm}}
.lead{{margin:0 0 4mm;color:#444}}
.badge{{display:flex;gap:5mm;padding:3mm 0;border-top:1px solid #bbb;
 break-inside:avoid;page-break-inside:avoid}}
.badge img{{width:26mm;height:26mm;object-fit:contain;flex:none}}
dl{{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:.5mm 3mm}}
dt{{font-weight:bold}} dd{{margin:0}}
.url{{font-family:ui-monospace,monospace;font-size:9pt;word-break:break-all}}
footer{{margin-top:5mm;padding-top:3mm;border-top:2px solid #111;font-size:9.5pt}}
@media print{{body{{margin:0;max-width:none;padding:0}} a{{color:inherit;text-decoration:none}}}}
</style></head><body>{body}</body></html>"""


def _printed_badge(view: AwardView, label: dict[str, str]) -> str:
    skills = ", ".join(competence_label(code) for code in view.competences)
    rows = [
        (label["given"], escape(view.issuer_name)),
        (label["date"], escape(format_date(view.issued_at, "long"))),
    ]
    if skills:
        rows.append((label["skills"], escape(skills)))
    rows.append((label["check"], f'<span class="url">{escape(view.page_url)}</span>'))
    details = "".join(f"<dt>{term}</dt><dd>{value}</dd>" for term, value in rows)
    return (
        f'<section class="badge"><img src="{escape(view.png_url)}" alt=""><div>'
        f"<h2>{escape(view.name)}</h2><dl>{details}</dl></div></section>"
    )


async def portfolio_print(request: web.Request) -> web.Response:
    """A one-page summary to print or save as PDF for a job centre or a CV."""
    summary = await _summary(request)
    today = request.app[SITE].clock()
    language = _language(request)
    with use_language(language):
        labels = {
            "given": _("Given by"),
            "date": _("Date"),
            "skills": _("Skills"),
            "check": _("Check it at"),
        }
        label = {key: escape(text) for key, text in labels.items()}
        title = _portfolio_title(summary)
        lead = ngettext(
            "{count} badge, valid on {date}.",
            "{count} badges, valid on {date}.",
            len(summary.awards),
            date=format_date(today, "long"),
        )
        how = escape(
            _(
                "Each badge is an Open Badges 3.0 credential, signed by the organisation that "
                "gave it. To check one, open its address: the page says whether the signature "
                "is genuine and whether the badge is still valid. The badge files can also be "
                "checked with any Open Badges verifier."
            )
        )
        badges = "".join(_printed_badge(view, label) for view in summary.awards)
        body = (
            f'<header><h1>{title}</h1><p class="lead">{lead}</p></header>'
            f"<main>{badges}</main><footer>{how}</footer>"
        )
        page = _PRINT_PAGE.format(lang=escape(language), title=title, body=body)
        return web.Response(text=page, content_type="text/html")


async def achievement_json(request: web.Request) -> web.Response:
    """The badge class as an OB 3.0 Achievement."""
    site = request.app[SITE]
    async with site.database.session() as session:
        achievement = await session.get(Achievement, int(request.match_info["id"]))
    if achievement is None:
        raise web.HTTPNotFound(text="no such achievement")
    language = _language(request)
    document = to_ob3(achievement, site.public_base_url, language).to_jsonld()
    return _json({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                  **document})  # fmt: skip


async def achievement_png(request: web.Request) -> web.Response:
    """The generated artwork of a badge class."""
    site = request.app[SITE]
    async with site.database.session() as session:
        achievement = await session.get(Achievement, int(request.match_info["id"]))
        if achievement is None:
            raise web.HTTPNotFound(text="no such achievement")
        partner = await session.get(Partner, achievement.partner_id)
        city = await session.get(City, partner.city_id) if partner else None
    language = _language(request)
    data = images.badge_png(
        achievement.name(language), city.name(language) if city else "", achievement.kind
    )
    return web.Response(body=data, content_type="image/png")


def credential_routes() -> list[web.RouteDef]:
    """The routes of the credential pages (they need ``SITE`` in the application)."""
    return [
        web.get("/issuers/{slug}/did.json", did_json),
        web.get("/status/{slug}/{number:[0-9]{1,9}}", status_json),
        web.get(f"/credentials/{UUID}.json", credential_json),
        web.get(f"/credentials/{UUID}.png", credential_png),
        web.get(f"/credentials/{UUID}", credential_page),
        web.get("/portfolio/{token:[A-Za-z0-9_-]{8,64}}", portfolio_page),
        web.get("/portfolio/{token:[A-Za-z0-9_-]{8,64}}/print", portfolio_print),
        web.get("/achievements/{id:[0-9]{1,9}}.png", achievement_png),
        web.get("/achievements/{id:[0-9]{1,9}}", achievement_json),
    ]


def add_credential_routes(app: web.Application, site: CredentialSite) -> None:
    """Serve the credential pages from ``app``."""
    app[SITE] = site
    app.add_routes(credential_routes())


__all__ = ["SITE", "CredentialSite", "add_credential_routes", "credential_routes"]

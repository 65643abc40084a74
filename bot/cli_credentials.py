"""``colbot credentials``, ``achievements``, ``keys`` and ``verify``: badges from the CLI."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.migrate import ensure_schema
from bot.settings import Settings
from catalogue.models import Playlist
from community.learners import get_learner
from credentials import baking, did
from credentials.achievements import AchievementError, AchievementSpec
from credentials.awards import award_view, baked_png, credential_of
from credentials.checking import verify_locally
from credentials.custom import (
    create_challenge_achievement,
    create_meta_achievement,
    ensure_playlist_achievement,
    list_achievements,
)
from credentials.images import AchievementKind
from credentials.issuers import IssuerError, key_count, partner_by_slug, rotate_key
from credentials.issuing import (
    AwardError,
    credential_url,
    issue_award,
    revoke_award,
    unrevoke_award,
)
from credentials.models import Achievement, Award
from credentials.verify import (
    CredentialFormatError,
    VerificationResult,
    extract_credential,
    verify_credential,
)
from storage import create_database, utcnow

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
# Mistakes an operator can make; each becomes one line on stderr and exit status 2.
_EXPECTED = (
    AwardError,
    IssuerError,
    AchievementError,
    CredentialFormatError,
    baking.BakingError,
    did.DidError,
)


class CommandError(Exception):
    """A command cannot do what was asked; the message says why in one line."""


def _out(line: str) -> None:
    print(line)


def _fail(message: str) -> int:
    print(f"colbot: {message}", file=sys.stderr)
    return 2


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    database = create_database(settings.db_url)
    try:
        await ensure_schema(database, auto_migrate=settings.auto_migrate)
        async with database.session() as session:
            yield session
    finally:
        await database.dispose()


async def _learner_id(session: AsyncSession, telegram_id: int) -> int:
    learner = await get_learner(session, telegram_id)
    if learner is None:
        raise CommandError(f"no learner with Telegram id {telegram_id}")
    return learner.id


async def _find_award(session: AsyncSession, reference: str) -> Award:
    query = select(Award).where(
        Award.id == int(reference)
        if reference.isdigit()
        else Award.credential_uuid == reference.removeprefix("urn:uuid:")
    )
    award = await session.scalar(query)
    if award is None:
        raise CommandError(f"no award {reference!r} (give its number or credential UUID)")
    return award


async def _issue(args: argparse.Namespace, settings: Settings) -> int:
    secret = settings.require_secret_key()
    async with _session(settings) as session:
        result = await issue_award(
            session,
            learner_id=await _learner_id(session, args.learner),
            achievement_id=args.achievement,
            public_base_url=settings.public_base_url,
            secret_key=secret,
            now=utcnow(),
        )
        award = result.award
    state = "issued" if result.created else "already issued"
    url = credential_url(settings.public_base_url, award.credential_uuid)
    _out(f"{state}: award {award.id} {url}")
    return 0


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    files: dict[str, bytes] = {}
    async with _session(settings) as session:
        learner_id = await _learner_id(session, args.learner)
        awards = (await session.scalars(select(Award).where(Award.learner_id == learner_id))).all()
        for award in awards:
            view = await award_view(session, award, settings.public_base_url)
            text = json.dumps(credential_of(award), ensure_ascii=False, indent=2)
            files[f"{view.file_stem}.json"] = text.encode()
            files[f"{view.file_stem}.png"] = await baked_png(session, award)
    await asyncio.to_thread(_write_files, args.out, files)
    _out(f"exported {len(awards)} badge(s) to {args.out}")
    return 0


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


async def _revoke(args: argparse.Namespace, settings: Settings) -> int:
    async with _session(settings) as session:
        award = await _find_award(session, args.award)
        if args.undo:
            await unrevoke_award(session, award.id)
        else:
            await revoke_award(session, award.id, utcnow())
    _out(f"award {award.id} is {'active again' if args.undo else 'revoked'}")
    return 0


_CREDENTIAL_ACTIONS: dict[str, Command] = {"issue": _issue, "export": _export, "revoke": _revoke}


async def credentials_command(args: argparse.Namespace, settings: Settings) -> int:
    """``colbot credentials issue|export|revoke``."""
    try:
        return await _CREDENTIAL_ACTIONS[args.action](args, settings)
    except (CommandError, *_EXPECTED) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))


def _ids(text: str | None) -> list[int]:
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise CommandError(f"--requires takes achievement ids separated by commas, not {text!r}")
    return [int(part) for part in parts]


def _kind(args: argparse.Namespace) -> AchievementKind:
    if args.kind:
        kind = AchievementKind(args.kind)
    elif args.requires:
        kind = AchievementKind.META
    else:
        kind = AchievementKind.PLAYLIST if args.playlist else AchievementKind.CHALLENGE
    if args.requires and kind != AchievementKind.META:
        raise CommandError("--requires is only for a meta badge")
    if args.playlist and kind != AchievementKind.PLAYLIST:
        raise CommandError("--playlist is only for a playlist badge")
    if kind == AchievementKind.META and not args.requires:
        raise CommandError("a meta badge needs --requires ID,ID")
    if kind == AchievementKind.PLAYLIST and not args.playlist:
        raise CommandError("a playlist badge needs --playlist SLUG")
    return kind


async def _playlist_badge(
    session: AsyncSession, args: argparse.Namespace, partner_id: int
) -> Achievement:
    playlist = await session.scalar(select(Playlist).where(Playlist.slug == args.playlist))
    if playlist is None:
        raise CommandError(f"no playlist with the slug {args.playlist!r}")
    existing = await session.scalar(
        select(Achievement.id).where(Achievement.playlist_id == playlist.id)
    )
    if existing is not None:
        raise CommandError(f"playlist {playlist.slug!r} already has achievement {existing}")
    return await ensure_playlist_achievement(
        session,
        playlist.id,
        partner_id=partner_id,
        names={args.language: args.name},
        descriptions={args.language: args.description} if args.description else None,
    )


async def _achievement_add(args: argparse.Namespace, settings: Settings) -> int:
    kind = _kind(args)
    requires = _ids(args.requires)
    async with _session(settings) as session:
        partner = await partner_by_slug(session, args.partner)
        if kind == AchievementKind.PLAYLIST:
            achievement = await _playlist_badge(session, args, partner.id)
        else:
            names = {args.language: args.name}
            spec = AchievementSpec(
                partner_id=partner.id,
                kind=kind,
                names=names,
                descriptions={args.language: args.description} if args.description else names,
                criteria={},
                competences=list(args.competence),
            )
            if kind == AchievementKind.META:
                achievement = await create_meta_achievement(session, spec, requires)
            else:
                achievement = await create_challenge_achievement(session, spec)
    _out(f"created {kind.value} achievement {achievement.id}: {args.name}")
    return 0


async def _achievement_list(_args: argparse.Namespace, settings: Settings) -> int:
    async with _session(settings) as session:
        rows = await list_achievements(session)
    for row in rows:
        if row.playlist_slug:
            needs = f"playlist {row.playlist_slug}"
        elif row.requires:
            needs = "requires " + ",".join(str(i) for i in row.requires)
        else:
            needs = "-"
        _out(
            f"{row.id:>5}  {row.kind:<9} {row.partner_slug:<16} {row.awarded:>6} awarded  "
            f"{needs:<24} {row.name}"
        )
    return 0


_ACHIEVEMENT_ACTIONS: dict[str, Command] = {"add": _achievement_add, "list": _achievement_list}


async def achievements_command(args: argparse.Namespace, settings: Settings) -> int:
    """``colbot achievements add|list``: custom badge classes (challenge, playlist, meta)."""
    try:
        return await _ACHIEVEMENT_ACTIONS[args.action](args, settings)
    except (CommandError, *_EXPECTED) as error:
        return _fail(str(error))


async def keys_command(args: argparse.Namespace, settings: Settings) -> int:
    """``colbot keys rotate --partner SLUG``: a new signing key; old ones stay valid."""
    secret = settings.require_secret_key()
    try:
        async with _session(settings) as session:
            partner = await partner_by_slug(session, args.partner)
            key = await rotate_key(session, partner, settings.public_base_url, secret, utcnow())
            count = await key_count(session, partner.id)
    except (CommandError, *_EXPECTED) as error:
        return _fail(str(error))
    _out(f"{partner.slug}: new key {key.public_key_multibase} (generation {key.generation})")
    _out(f"the DID document lists {count} key(s); credentials signed before stay valid")
    return 0


def _ours(document: dict[str, Any], public_base_url: str) -> bool:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id.startswith("did:web:"):
        return False
    try:
        return (
            urlsplit(did.did_document_url(issuer_id)).hostname
            == urlsplit(public_base_url).hostname
        )
    except did.DidError:
        return False


def _report(result: VerificationResult) -> None:
    issuer = result.issuer_name or "?"
    _out(f"Issuer:      {issuer} ({result.issuer_id or 'unknown'})")
    _out(f"Achievement: {result.achievement_name or '?'}")
    _out(f"Date:        {result.valid_from or '?'}")
    _out(f"Status:      {result.status}")
    _out(f"Signature:   {'valid' if result.valid else 'INVALID'}")
    for reason in result.reasons:
        _out(f"  - {reason}")
    for warning in result.warnings:
        _out(f"  ! {warning}")


async def verify_command(args: argparse.Namespace, settings: Settings) -> int:
    """``colbot verify FILE``: exit 0 when valid, 1 when not (with the reason), 2 on errors."""
    try:
        document = extract_credential(await asyncio.to_thread(Path(args.file).read_bytes))
        now = utcnow()
        if _ours(document, settings.public_base_url):
            secret = (
                settings.secret_key.get_secret_value().encode() if settings.secret_key else None
            )
            async with _session(settings) as session:
                result = await verify_locally(
                    session, document, settings.public_base_url, secret, now
                )
        else:
            # Other issuers would need the network, which this command never uses.
            result = verify_credential(document, lambda _did: None, None, now=now)
    except (CommandError, *_EXPECTED) as error:
        return _fail(f"{args.file}: {error}")
    except OSError as error:
        return _fail(f"{args.file}: {error.strerror or error}")
    _report(result)
    return 0 if result.valid else 1


COMMANDS: dict[str, Command] = {
    "credentials": credentials_command,
    "achievements": achievements_command,
    "keys": keys_command,
    "verify": verify_command,
}

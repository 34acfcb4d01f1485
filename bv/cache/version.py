"""Reading and replacing the content version (bv.cache.models.ContentVersion)."""

from __future__ import annotations

import secrets

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from bv.cache import mirror
from bv.cache.models import ContentVersion
from bv.extensions import db

ROW = 1
# set by a change readers will see; the token is replaced once, just before the commit
CHANGED = "bv_content_changed"
# set when the token was replaced: the commit is announced to the Redis copy (mirror.py)
REPLACED = "bv_content_replaced"


def new_token() -> int:
    """A fresh random token that fits a signed 64-bit column."""
    return secrets.randbits(62)


def current() -> int | None:
    """The version readers' pages are keyed by now; None when the row is missing."""
    # read on every public request, cached page or not: plain SQL on the session's connection
    # skips the ORM's statement handling, about a third of a cached page's cost
    return db.session.connection().exec_driver_sql(CURRENT_SQL).scalar()


CURRENT_SQL = f"SELECT token FROM {ContentVersion.__tablename__} WHERE id = {ROW}"


def mark_changed() -> None:
    """Something readers see changed in this transaction: a new token commits with it."""
    db.session.info[CHANGED] = True


def bump(session: Session) -> None:
    """Replace the token inside the session's transaction; it commits with the change itself.

    The UPDATE locks the row until that commit (PostgreSQL), so two changes at once are
    ordered and the later one always leaves a token no reader has seen with either.
    """
    done = session.execute(
        update(ContentVersion).where(ContentVersion.id == ROW).values(token=new_token())
    )
    if not done.rowcount:
        session.execute(insert(ContentVersion).values(id=ROW, token=new_token()))
    session.info[REPLACED] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session):
    # last statement of the transaction: the row lock is held for the commit alone, and every
    # writer takes it last, so it can never be part of a deadlock
    if session.info.pop(CHANGED, False):
        bump(session)


@event.listens_for(Session, "after_commit")
def _announce_after_commit(session):
    if session.info.pop(REPLACED, False):
        mirror.announce_commit()


@event.listens_for(Session, "after_rollback")
def _forget_change(session):
    session.info.pop(CHANGED, None)
    session.info.pop(REPLACED, None)

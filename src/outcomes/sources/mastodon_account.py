"""Whose saved Mastodon API JSON is: the account its statuses and notifications are ours for.

"Us" is `ReadOptions.account` (`--account`), else the `account.json` that
`outcomes fetch` saves beside the files (the Account entity of the account looked up),
else the author of the file's first status, else who every mention in the file was sent
to. An `account.json` that is there but cannot be read (cut, a key given twice, no `acct`,
not UTF-8, over 1 MiB) is not passed over in silence: the connector warns that whose the
posts are was taken from the file itself (:func:`account_notice`).

Handles are full, `user@instance`: a local account's `acct` has no instance, so it is
taken from the account's URL (:func:`full_acct`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from outcomes.sources.base import Notice, ReadOptions, SourceError
from outcomes.sources.json_input import RecordError, loads, printable

ACCOUNT_FILE: Final = "account.json"
_ACCOUNT_LIMIT: Final = 1 << 20

Records = Callable[[], Iterator[tuple[int, Any, str]]]
"""(record number or line, the record or why it is broken, its text as written) for each
record of a file."""


def given_account(path: Path, options: ReadOptions) -> str | None:
    """The handle `--account` gives, without its `@`; None when it gives none."""
    given = clean_handle(options.account)
    if given is not None and printable(given) != given:
        # A command-line argument with bytes that are not UTF-8 holds lone surrogates.
        raise SourceError(path, "the --account value is not valid text; type the handle again")
    return given


def account_notice(problem: str) -> Notice:
    """The warning for an `account.json` that is there but cannot be read (`problem`)."""
    return Notice(
        f"the {ACCOUNT_FILE} beside it {problem}, so whose the posts are was taken "
        "from the file itself (its first status's author, else its mentions); fix "
        f"the {ACCOUNT_FILE}, or give --account user@instance"
    )


def is_status(record: dict[str, Any]) -> bool:
    """Whether a record is a Status entity."""
    return "content" in record or ("uri" in record and "type" not in record)


def is_notification(record: dict[str, Any]) -> bool:
    """Whether a record is a Notification entity."""
    return isinstance(record.get("type"), str) and not is_status(record)


def list_field(value: object) -> list[Any]:
    """A list field; anything else (a malformed entity) counts as an empty list."""
    return value if isinstance(value, list) else []


def clean_handle(handle: object) -> str | None:
    """A handle without its `@`; None when there is none."""
    text = str(handle).strip().lstrip("@") if handle else ""
    return text or None


def full_acct(entity: object) -> str | None:
    """`user@instance` for an Account or Mention entity; a local `acct` gets its URL's host."""
    if not isinstance(entity, dict):
        return None
    acct = clean_handle(entity.get("acct"))
    if acct is None or "@" in acct:
        return acct
    url = entity.get("url")
    host = urlsplit(url).hostname if isinstance(url, str) else None
    return f"{acct}@{host}" if host else acct


def same_account(one: str | None, other: str | None) -> bool:
    """Whether two handles name the same account; `user` matches `user@any.instance`."""
    if not one or not other:
        return False
    first, second = one.casefold().lstrip("@"), other.casefold().lstrip("@")
    if "@" in first and "@" in second:
        return first == second
    return first.split("@")[0] == second.split("@")[0]


def is_account(record: Any) -> bool:
    """Whether a record is an Account entity (an `account.json`), not a status."""
    return isinstance(record, dict) and "acct" in record and "content" not in record


def account_file_owner(folder: Path) -> tuple[str | None, str | None]:
    """Our handle from the `account.json` saved in `folder`, and why it could not be had:
    (None, None) when there is none, (None, the reason) when it cannot be read."""
    path = folder / ACCOUNT_FILE
    try:
        if path.stat().st_size > _ACCOUNT_LIMIT:  # an Account entity is a few kilobytes
            return None, "is not an account (over 1 MiB)"
        owner = full_acct(loads(path.read_text(encoding="utf-8-sig"), unique_keys=True))
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    except RecordError as exc:
        return None, f"cannot be read ({exc})"
    return (owner, None) if owner else (None, "names no account (no 'acct')")


def infer_owner(path: Path, where: str, records: Records) -> str | None:
    """Us, from the records: a status's author, a favourited status's author, or the mentions.

    None when the file has only statuses of others or nothing needing an owner; a file of
    notifications that does not say whose they are raises, since guessing would file
    inbound mentions under the wrong account.
    """
    mentioned: set[str] | None = None
    notifications = False
    for _, record, _raw in records():
        if not isinstance(record, dict):
            continue
        status = record.get("status")
        if is_status(record):
            return full_acct(record.get("account"))
        if not is_notification(record):
            continue
        notifications = True
        if record.get("type") in ("favourite", "reblog") and isinstance(status, dict):
            return full_acct(status.get("account"))
        if record.get("type") == "mention" and isinstance(status, dict):
            accts = {a for a in map(full_acct, list_field(status.get("mentions"))) if a}
            mentioned = accts if mentioned is None else mentioned & accts
    if mentioned is not None and len(mentioned) == 1:
        return next(iter(mentioned))
    if notifications:
        seen = f" (mentioned: {', '.join(sorted(mentioned))})" if mentioned else ""
        raise SourceError(
            path, f"{where}cannot tell whose notifications these are{seen}; pass the account"
        )
    return None

"""JSON from exports, read so that damaged input becomes a located problem, never a crash.

Python's `json` accepts what exports never contain and later steps cannot store:
`NaN`, `Infinity` and `1e999` (an infinite float), and strings holding a lone UTF-16
surrogate (`"\\ud800"` decodes, but cannot be encoded as UTF-8 when the row is written).
It also raises `RecursionError` for deeply nested input and `ValueError` for integers of
more than 4,300 digits. Here each of these is a :class:`RecordError` for one record, or
a :class:`StreamError` for a stream that cannot be read on (an integer too long is noted
like a non-finite number, so that in an array only its record is rejected).

A record holding a lone surrogate is **rejected**, not repaired: replacing it would make
two different damaged ids (`"\\ud800"`, `"\\ud801"`) the same key.

Python also keeps the last value of a key an object gives twice, without a word. With
`unique_keys` (the JSON connectors ask for it), an object giving a key twice with two
values is a :class:`RecordError` naming the key's dotted path: which value the export
meant is unknown, and keeping either could move a post to another day. A key repeated
with the same value changes nothing and is read.

:func:`array_elements` reads a JSON array element by element from a text stream, so a
300 MB array is never held whole: the buffer holds about one read (1 MiB) plus the
element being parsed.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from outcomes.sources.base import RAW_LIMIT, SourceError

READ_CHARS: Final = 1 << 20
"""Characters read from a stream at a time."""
MAX_RECORD_CHARS: Final = 64 << 20
"""A record (one array element) longer than this is taken for damage, not data."""
_MAYBE_SURROGATE: Final = re.compile(r"\\u[dD][89a-fA-F]")
_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
# How far from the end of the buffer a parse error may be and still mean "read more".
_CUT_SLACK: Final = 8


class RecordError(ValueError):
    """One record cannot be used: why, and which field (dotted path) when known."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


class JsonSyntaxError(RecordError):
    """Text that is not JSON: the parser's message and its 1-based line and column."""

    def __init__(self, exc: json.JSONDecodeError) -> None:
        super().__init__(f"not valid JSON: {exc}")
        self.msg = exc.msg
        self.lineno = exc.lineno
        self.colno = exc.colno


class StreamError(ValueError):
    """The stream cannot be read on; `line` and `column` are 1-based in the whole text."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def described(self) -> str:
        """Where and why, as every JSON connector's refusal says it."""
        return f"broken JSON at line {self.line}, column {self.column} ({self.reason})"


class DecodeError(ValueError):
    """Bytes that are not text in the expected encoding: which byte, on which line."""

    def __init__(self, byte: int, line: int, encoding: str) -> None:
        super().__init__(f"byte 0x{byte:02X} at line {line} is not {encoding}")
        self.byte = byte
        self.line = line
        self.encoding = encoding


class _Strict:
    """Hooks for `json.JSONDecoder` that note a non-finite number instead of accepting it.

    Noting rather than raising lets the decoder finish the element, so the reader knows
    where the next one starts and can reject just this one.
    """

    def __init__(self, *, unique_keys: bool = False) -> None:
        self.problem: str | None = None
        self.twice: tuple[dict[str, Any], str] | None = None
        """The object that gave a key twice with two values, and the key."""
        self.decoder = json.JSONDecoder(
            parse_constant=self.constant,
            parse_float=self.number,
            parse_int=self.integer,
            object_pairs_hook=self.members if unique_keys else None,
        )

    def reset(self) -> None:
        """Forget what the previous value noted, before parsing the next one."""
        self.problem = None
        self.twice = None

    def constant(self, name: str) -> None:
        self.problem = self.problem or f"{name} is not a number JSON allows"

    def number(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            self.problem = self.problem or f"the number {text[:40]} is out of range"
        return value

    def integer(self, text: str) -> int | None:
        try:
            return int(text)
        except ValueError:  # more digits than Python converts (4,300): no count has them
            self.problem = self.problem or f"an integer of {len(text):,} digits is out of range"
            return None

    def members(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """An object; a key given twice with two values is noted (which one holds is unknown)."""
        found = dict(pairs)
        if len(found) == len(pairs) or self.problem is not None:
            return found
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen and seen[key] != value:
                self.problem = (
                    f"the key {printable(key)[:40]!r} is given twice, with two values, and which "
                    "one holds is unknown; correct the record or export the file again"
                )
                # The object itself: its place in the value is found once the value is whole.
                self.twice = (found, key)
                break
            seen[key] = value
        return found


def loads(text: str, *, unique_keys: bool = False) -> Any:
    """One JSON value (a line of JSON Lines, a small file); raises :class:`RecordError`.

    With `unique_keys`, an object giving a key twice with two values raises it too.
    """
    strict = _Strict(unique_keys=unique_keys)
    try:
        value = strict.decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(exc) from None
    except RecursionError:
        raise RecordError("the JSON is nested too deeply to be an export record") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise RecordError(f"not valid JSON: {str(exc)[:120]}") from None
    check(strict, value, text, 0, len(text))
    return value


def check(strict: _Strict, value: Any, text: str, start: int, end: int) -> None:
    """Raise :class:`RecordError` for what `strict` noted (a non-finite number, a key given
    twice with two values) or a lone surrogate in `value`."""
    if strict.problem is not None:
        raise RecordError(strict.problem, _twice_path(strict, value))
    # Surrogates only come from `\uD8xx` escapes (decoding is strict), so look for one first.
    if _MAYBE_SURROGATE.search(text, start, end) is None:
        return
    where = surrogate_path(value)
    if where is not None:
        reason = (
            f"a string holds a lone UTF-16 surrogate (at {where or 'the top'}); the text is damaged"
        )
        raise RecordError(reason, where or None)


def _twice_path(strict: _Strict, value: Any) -> str | None:
    """The dotted path of the key given twice ("account.acct"); None for another problem."""
    if strict.twice is None:
        return None
    holder, key = strict.twice
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:  # iterative: a record may be nested nearly as deep as the parser allows
        path, item = stack.pop()
        if item is holder:
            return f"{path}.{key}" if path else key
        if isinstance(item, dict):
            stack.extend((f"{path}.{name}" if path else str(name), v) for name, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return key


def surrogate_path(value: Any) -> str | None:
    """The dotted path of the first key or string holding a lone surrogate; None if none does.

    Iterative, since a record may be nested nearly as deep as the parser allows.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                inner = f"{path}.{key}" if path else str(key)
                if not _encodable(key):
                    return path
                stack.append((inner, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """`text` with any lone surrogate escaped, so it can be stored (a rejection's raw text)."""
    return text if _encodable(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")


# --- a JSON array, element by element ---------------------------------------------------


class TextStream:
    """Text decoded from a binary stream piece by piece, with the line of a bad byte."""

    def __init__(self, stream: IO[bytes], encoding: str, head: bytes = b"") -> None:
        """`head`: bytes already read from `stream` (to choose the encoding), read first.

        Raises LookupError for an unknown encoding.
        """
        self.stream = stream
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self.head = head
        self.newlines = 0

    def read(self, chars: int) -> str:
        """About `chars` characters (fewer at the end); "" once the stream is done."""
        while True:
            data, self.head = self.head or self.stream.read(chars), b""
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                before = bytes(exc.object[: exc.start]).count(b"\n")
                raise DecodeError(
                    exc.object[exc.start], self.newlines + before + 1, self.encoding
                ) from None
            self.newlines += text.count("\n")
            if text or not data:
                return text


@dataclass(frozen=True, slots=True)
class Element:
    """One element of the array: its 1-based position, its value or problem, its text."""

    number: int
    value: Any
    raw: str
    problem: RecordError | None = None


class TextBuffer:
    """The unread text of a stream, and where its start is in the whole text."""

    def __init__(self, source: TextStream) -> None:
        self.source = source
        self.text = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0
        self.column_before = 0

    def more(self, chars: int = READ_CHARS) -> bool:
        """Drop what was read, append the next `chars`; False when there is nothing more.

        At the end nothing is dropped, so offsets into the text stay valid for an error.
        """
        added = "" if self.eof else self.source.read(chars)
        if not added:
            self.eof = True
            return False
        dropped = self.text[: self.pos]
        newlines = dropped.count("\n")
        self.lines_before += newlines
        if newlines:
            self.column_before = len(dropped) - dropped.rfind("\n") - 1
        else:
            self.column_before += len(dropped)
        self.text, self.pos = self.text[self.pos :] + added, 0
        return True

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset of the buffer, in the whole text."""
        newlines = self.text.count("\n", 0, offset)
        if newlines == 0:
            return self.lines_before + 1, self.column_before + offset + 1
        return self.lines_before + newlines + 1, offset - self.text.rfind("\n", 0, offset)

    def problem(self, reason: str, offset: int | None = None) -> StreamError:
        line, column = self.where(self.pos if offset is None else offset)
        return StreamError(reason, line, column)

    def next_char(self) -> str:
        """The next character that is not whitespace ("" at the end); it is not consumed."""
        while True:
            match = _WHITESPACE.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""


def text_start(
    source: TextStream, prefix: re.Pattern[str], sample: int = 256
) -> tuple[TextBuffer, bool]:
    """A buffer over `source` past `prefix`; False when the text does not start with it.

    The buffer is at the text's first non-blank character when the prefix is missing, and
    holds "" when the text is blank.
    """
    buffer = TextBuffer(source)
    while len(buffer.text) < sample and buffer.more():
        pass
    match = prefix.match(buffer.text)
    if match is None:
        buffer.next_char()
        return buffer, False
    buffer.pos = match.end()
    return buffer, True


def array_elements(
    buffer: TextBuffer, *, whole: bool = True, unique_keys: bool = False
) -> Iterator[Element]:
    """Each element of the JSON array at the buffer's position; the array must end the text.

    Raises :class:`StreamError` where the text stops being that array (cut off, broken,
    nested too deeply); an element with a non-finite number or a lone surrogate is given
    with its problem, and reading goes on. With `whole` False the array may be followed by
    more text (it is a member of an object) and the buffer is left just after its `]`.
    With `unique_keys`, an element with an object giving a key twice with two values is
    given with that problem (Python would keep the last value without a word).
    """
    if buffer.next_char() != "[":
        raise buffer.problem("expected a JSON array")
    buffer.pos += 1
    strict = _Strict(unique_keys=unique_keys)
    number = 0
    if buffer.next_char() == "]":
        buffer.pos += 1
    else:
        while True:
            number += 1
            yield _element(buffer, strict, number)
            separator = buffer.next_char()
            buffer.pos += 1
            if separator == "]":
                break
            if not separator:
                raise buffer.problem("the array is cut off (no closing ']')")
            if separator != ",":
                raise buffer.problem("expected ',' or ']' after an element", buffer.pos - 1)
    if whole and buffer.next_char():
        raise buffer.problem("more text after the end of the array")


def value_at(buffer: TextBuffer) -> Any:
    """The JSON value at the buffer's position, read whole; the buffer is left after it.

    For the small members around a streamed array (an `@context`, a `totalItems`). Raises
    :class:`StreamError` when it is cut off or broken, :class:`RecordError` when it holds
    a non-finite number or a lone surrogate.
    """
    if not buffer.next_char():
        raise buffer.problem("the text is cut off")
    strict = _Strict()
    value, end = _decode(buffer, strict)
    start, buffer.pos = buffer.pos, end
    check(strict, value, buffer.text, start, end)
    return value


def _element(buffer: TextBuffer, strict: _Strict, number: int) -> Element:
    if not buffer.next_char():
        raise buffer.problem("the array is cut off (no closing ']')")
    value, end = _decode(buffer, strict)
    start, buffer.pos = buffer.pos, end  # reading more may have moved the element's start
    raw = printable(buffer.text[start : min(end, start + RAW_LIMIT)])
    try:
        check(strict, value, buffer.text, start, end)
    except RecordError as problem:
        return Element(number, None, raw, problem)
    return Element(number, value, raw)


def _decode(buffer: TextBuffer, strict: _Strict) -> tuple[Any, int]:
    """The value at the buffer's position and where it ends, reading more while it is cut."""
    while True:
        strict.reset()
        try:
            value, end = strict.decoder.raw_decode(buffer.text, buffer.pos)
        except json.JSONDecodeError as exc:
            if not _maybe_cut(buffer, exc) or not _grow(buffer):
                raise buffer.problem(exc.msg, exc.pos) from None
            continue
        except RecursionError:
            raise buffer.problem("JSON nested too deeply to be an export record") from None
        except ValueError as exc:  # an integer of more than 4,300 digits
            raise buffer.problem(str(exc)[:120]) from None
        # A number can go on in the next read ("12" then "34"): only the end proves it ended.
        if end < len(buffer.text) or not _grow(buffer):
            return value, end


def _maybe_cut(buffer: TextBuffer, exc: json.JSONDecodeError) -> bool:
    """Whether the error may only mean the element goes on past the buffer's end."""
    return exc.pos >= len(buffer.text) - _CUT_SLACK or exc.msg.startswith("Unterminated string")


def _grow(buffer: TextBuffer) -> bool:
    """Read more for a cut element: as much again as it has, so a long one parses in few tries."""
    pending = len(buffer.text) - buffer.pos
    if pending > MAX_RECORD_CHARS:
        raise buffer.problem(f"a record longer than {MAX_RECORD_CHARS >> 20} MiB, or broken JSON")
    return buffer.more(max(READ_CHARS, pending))


def unreadable_archive(path: Path, where: str, exc: DecodeError | StreamError) -> SourceError:
    """The one-line refusal of an archive's JSON file that cannot be read on (an X archive's
    `data/*.js`, a Mastodon archive's outbox): its encoding, or where it breaks off."""
    if isinstance(exc, DecodeError):
        return SourceError(path, f"{where}{exc}; pass the file's encoding (e.g. --encoding cp1252)")
    advice = "the file is cut off or damaged; download the archive again"
    return SourceError(path, f"{where}{exc.described()}; {advice}")

"""Read plan YAML into plain Python data while keeping where every element came from.

PyYAML's composer gives a node tree with a mark on every node; we build the data from that
tree ourselves so that each value and each mapping key keeps its line and column. Building
it ourselves also lets us refuse what the stock constructor accepts silently: duplicate keys,
recursive aliases and alias bombs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

import yaml

from outcomes.plan.errors import PlanError, Problem

Path_ = tuple[str | int, ...]

MAX_PLAN_BYTES: Final = 4 * 1024 * 1024
MAX_VALUES: Final = 1_000_000
MAX_DEPTH: Final = 64

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG: Final = "tag:yaml.org,2002:str"


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, with implicit tags memoised per loader.

    PyYAML resolves every plain scalar's tag in Python with a list of regular expressions;
    in a plan most scalars repeat (keys, channels, dates, ids), so a cache halves parsing.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[tuple[str, bool], str] = {}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        key = (value, implicit[1])
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


_TIMESTAMP_TAG: Final = "tag:yaml.org,2002:timestamp"
_INT_TAG: Final = "tag:yaml.org,2002:int"
_DIGITS: Final = re.compile(r"[-+]?[0-9][0-9_]*")


class Mark(NamedTuple):
    """A 1-based line and column in the plan file."""

    line: int
    column: int


@dataclass
class SourceMap:
    """Where each element of the loaded data stands in the file.

    `values[path]` is the mark of the value at `path`; `keys[path]` the mark of the mapping
    key that introduces it. Paths are tuples of keys and list indexes, as in pydantic's
    error locations: `("tactics", 3, "serves")`.
    """

    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)

    def value(self, path: Path_) -> Mark:
        """The mark of the value at `path`, or of its nearest enclosing element."""
        for prefix in _prefixes(path):
            if prefix in self.values:
                return self.values[prefix]
        return Mark(1, 1)

    def key(self, path: Path_) -> Mark:
        """The mark of the key at `path`, falling back to the value's mark."""
        return self.keys.get(path) or self.value(path)


def _prefixes(path: Path_) -> Iterator[Path_]:
    for end in range(len(path), -1, -1):
        yield path[:end]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A plan file read as data, with its source map."""

    file: str
    data: Any
    source_map: SourceMap


def read_plan_text(path: Path, display_name: str | None = None) -> SourceDocument:
    """Read a plan file from disk, refusing files too big or not UTF-8."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PlanError.single(
            name, None, "no such file; run `outcomes init` to create a plan"
        ) from None
    except OSError as exc:
        raise PlanError.single(name, None, f"cannot read the file: {exc.strerror}") from None
    if path.is_dir():
        raise PlanError.single(
            name, None, "is a folder, not a plan file; name the plan.yaml inside it"
        )
    _check_size(size, name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError.single(name, None, f"cannot read the file: {exc.strerror}") from None
    return parse_plan_text(raw, name)


def _check_size(size: int, file: str) -> None:
    if size > MAX_PLAN_BYTES:
        raise PlanError.single(
            file,
            None,
            f"the file is {size / 1024 / 1024:.1f} MiB, more than the {MAX_PLAN_BYTES // 1024 // 1024} MiB "
            "a plan may be; a plan is written by people, so split out generated content",
        )


def parse_plan_text(raw: bytes, file: str) -> SourceDocument:
    """Parse plan bytes into data and a source map, or raise :class:`PlanError`."""
    _check_size(len(raw), file)
    text = _decode(raw, file)
    if not text.strip():
        raise PlanError.single(
            file, None, "the file is empty; run `outcomes init` for a commented template"
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise PlanError([_yaml_problem(file, text, exc)]) from None
    except yaml.reader.ReaderError as exc:
        raise PlanError([_reader_problem(file, text, exc)]) from None
    except RecursionError:  # only PyYAML's pure-Python parser recurses; libyaml does not
        raise PlanError.single(file, None, "the YAML is nested too deeply to read") from None
    except yaml.YAMLError as exc:  # unmarked errors are rare; still one line
        raise PlanError.single(file, None, f"YAML error: {' '.join(str(exc).split())}") from None
    if node is None:
        raise PlanError.single(
            file, None, "the file holds only comments; run `outcomes init` for a template"
        )
    # Only anchors make aliases; without an `&` the node graph is a tree no bigger than the text.
    too_large = _first_too_large(node) if "&" in text else None
    if too_large is not None:
        raise PlanError.single(
            file,
            _mark(too_large),
            f"aliases expand this value to more than {MAX_VALUES:,} values (an alias bomb?); "
            "write the values out instead",
        )
    builder = _Builder(file, track_cycles="&" in text)
    data = builder.build(node, ())
    if builder.problems:
        raise PlanError(builder.problems)
    return SourceDocument(file, data, builder.source_map)


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError.single(file, Mark(1, 1), "the file is UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before[before.rfind(b"\n") + 1 :]
        column = len(line_start.decode("utf-8-sig")) + 1
        byte = raw[exc.start]
        raise PlanError.single(
            file,
            Mark(line, column),
            f"byte 0x{byte:02X} is not valid UTF-8; save the file as UTF-8",
        ) from None


def _reader_problem(file: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    index = max(text.find(character), 0)  # the reader stops at its first occurrence
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    message = f"the character U+{ord(character[:1] or '?'):04X} is not allowed in YAML; remove it"
    if character == "\0":
        message += " (a file full of NUL characters is often UTF-16: save it as UTF-8)"
    return Problem(file, Mark(line, column), message, ())


def _yaml_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    end = _end_of_text(lines)
    where = min(Mark(mark.line + 1, mark.column + 1), end, key=_position) if mark else None
    if mark is not None and mark.line < len(lines):
        line = lines[mark.line]
        if "\t" in line[: mark.column + 1]:
            column = line.index("\t") + 1
            return Problem(
                file, Mark(mark.line + 1, column), "a tab character; indent YAML with spaces", ()
            )
    problem = (exc.problem or "").strip()
    if exc.context == "expected a single document in the stream":
        return Problem(
            file,
            where,
            "a second YAML document; a plan is one document, so remove this '---' and what follows",
            (),
        )
    message = f"YAML syntax error: {problem}" if problem else "YAML syntax error"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        context_line = min(exc.context_mark.line + 1, end.line)
        message += f" ({exc.context} at line {context_line})"
    if "end of stream" in problem or (mark is not None and _nothing_after(lines, mark)):
        message += "; the file looks cut short"
    return Problem(file, where, message, ())


def _end_of_text(lines: list[str]) -> Mark:
    """Just after the last character that is not white space (libyaml may mark a line beyond)."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            return Mark(index + 1, len(lines[index].rstrip()) + 1)
    return Mark(1, 1)


def _position(mark: Mark) -> tuple[int, int]:
    return (mark.line, mark.column)


def _nothing_after(lines: list[str], mark: yaml.Mark) -> bool:
    rest = [lines[mark.line][mark.column :]] if mark.line < len(lines) else []
    return not "".join(rest + lines[mark.line + 1 :]).strip()


class _Builder:
    """Turns a composed node tree into data, recording marks and refusing what hides mistakes."""

    def __init__(self, file: str, *, track_cycles: bool = True) -> None:
        self.file = file
        self.source_map = SourceMap()
        self.problems: list[Problem] = []
        self.constructor = _Loader("")
        self.active: set[int] = set()
        self.track_cycles = track_cycles

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if len(path) > MAX_DEPTH:
            self._fail(node, f"nested more than {MAX_DEPTH} levels deep; a plan needs only a few")
            return None
        values = self.source_map.values
        if path not in values:
            values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if not self.track_cycles:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            assert isinstance(node, yaml.SequenceNode)
            return self._sequence(node, path)
        if id(node) in self.active:
            self._fail(node, "an alias refers to the element that contains it (a cycle)")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._guarded(node, path, self._mapping)
        return self._guarded(node, path, self._sequence)

    def _guarded(self, node: yaml.Node, path: Path_, build: Any) -> Any:
        self.active.add(id(node))
        try:
            return build(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(
                    key_node, "merge keys (<<) are not supported in plans; write the keys out"
                )
                continue
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or isinstance(key, (list, dict)):
                self._fail(key_node, "a mapping key must be a plain name")
                continue
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in first_seen:
                seen = first_seen[key]
                self._fail(key_node, f"duplicate key '{key}' (first at line {seen.line}); keep one")
                continue
            first_seen[key] = _mark(key_node)
            self.source_map.keys[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _sequence(self, node: yaml.SequenceNode, path: Path_) -> list[Any]:
        return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception:  # constructors of explicit tags fail in many ways (`!!timestamp x`)
            # An impossible date such as 2026-02-30 matches YAML's timestamp pattern; keep the
            # text so validation can say what is wrong with it at its own location.
            if node.tag == _TIMESTAMP_TAG:
                return str(node.value)
            shown = _cut(str(node.value))
            if node.tag == _INT_TAG and _DIGITS.fullmatch(str(node.value)):
                # Python reads at most 4,300 digits; no plan needs a number that long.
                self._fail(
                    node, f"{shown} is out of range: far larger than any number a plan holds"
                )
                return None
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            self._fail(node, f"cannot read {shown!r} as {tag}; remove the tag or quote the value")
            return None

    def _fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.file, _mark(node), message, ()))


def _first_too_large(root: yaml.Node) -> yaml.Node | None:
    """The first node that aliases expand to more than `MAX_VALUES` values, if any.

    Sizes are counted on the composed graph, where an alias is a shared node, so this takes
    time in proportion to the text however far the aliases would expand. Cycles count once;
    the builder reports them.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            on_path.discard(id(node))
            size = 1 + sum(sizes.get(id(child), 0) for child in _children(node))
            if size > MAX_VALUES:
                return node
            sizes[id(node)] = size
        elif id(node) not in sizes and id(node) not in on_path:
            on_path.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [value for _key, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _cut(text: str, limit: int = 60) -> str:
    """A value short enough to quote in a one-line problem."""
    return text if len(text) <= limit else text[: limit - 3] + "…"


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def is_date(value: object) -> bool:
    """True for a date that is not a datetime (YAML gives both)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)

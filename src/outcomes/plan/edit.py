"""Change a plan's text element by element, keeping its comments, order and layout.

    text = set_fields(text, "tactics", "trade-show", {"title": "Exhibit at LogiFair"})
    text = add_element(text, "goals", {"id": "churn", "title": "…", …})
    text = remove_element(text, "people", "cy")

The plan is parsed with ruamel.yaml's round-trip loader, which keeps comments, key order,
flow or block style and quoting; a changed value is set in place, so a diff of the old
and new text shows only the edited lines. The indentation is the file's own: the writer
picks, among the usual layouts, the one that writes the untouched file back unchanged.
Nothing here validates: the caller loads the would-be text with `load_plan_text` first.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

SECTIONS: Final = ("people", "goals", "strategies", "tactics")
"""The lists of elements the editor changes; each element has a unique `id`."""
_LAYOUTS: Final = ((2, 4, 2), (2, 2, 0), (4, 6, 4), (4, 4, 2), (2, 4, 0))
"""(mapping, sequence, offset) indentations tried, the project's own first."""
_WIDTH: Final = 4096
"""Long lines stay long: a plan's titles are never folded onto the next line."""


class EditError(Exception):
    """The text cannot be changed as asked (it is not YAML, or the element is missing)."""


Value = str | int | float | bool | dt.date | list[str] | None
"""A field's new value; None removes the key."""


def set_fields(text: str, section: str, element_id: str, fields: Mapping[str, Value]) -> str:
    """`text` with the fields of one element changed; `a.b` names a key of a nested mapping.

    Only keys whose value differs are touched, so an unchanged field changes no line.
    """
    yaml, data = _parse(text)
    element = _find(data, section, element_id)
    for key, value in fields.items():
        _set_path(element, key.split("."), value)
    return _dump(yaml, data)


def add_element(text: str, section: str, fields: Mapping[str, Value]) -> str:
    """`text` with a new element at the end of `section` (made if the plan has none)."""
    yaml, data = _parse(text)
    if not str(fields.get("id") or "").strip():
        raise EditError("a new element needs an id")
    items = data.get(section)
    if items is None:
        items = CommentedSeq()
        data[section] = items
    if not isinstance(items, list):
        raise EditError(f"`{section}` in the plan is not a list")
    if any(isinstance(item, Mapping) and item.get("id") == fields["id"] for item in items):
        raise EditError(f"the plan already has an element {fields['id']!r} in {section}")
    element = CommentedMap()
    for key, value in fields.items():
        _set_path(element, key.split("."), value)
    if items:
        if isinstance(items[-1], CommentedMap) and items[-1].fa.flow_style():
            element.fa.set_flow_style()  # people written one per line stay so
        _move_trailing_lines(items[-1], element)
    items.append(element)
    return _dump(yaml, data)


def remove_element(text: str, section: str, element_id: str) -> str:
    """`text` without one element (references to it are the loader's to report)."""
    yaml, data = _parse(text)
    items = data.get(section)
    element = _find(data, section, element_id)
    assert isinstance(items, list)
    del items[items.index(element)]
    return _dump(yaml, data)


def _parse(text: str) -> tuple[YAML, CommentedMap]:
    yaml = _yaml(*_layout(text))
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise EditError(f"the plan is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, CommentedMap):
        raise EditError("the plan is not a mapping of keys")
    return yaml, data


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _layout(text: str) -> tuple[int, int, int]:
    """The indentation that writes `text` back as it is (else the first that comes closest)."""
    best, best_distance = _LAYOUTS[0], None
    for layout in _LAYOUTS:
        yaml = _yaml(*layout)
        try:
            written = _dump(yaml, yaml.load(text))
        except YAMLError:
            return best  # reported by _parse
        if written == text:
            return layout
        distance = sum(
            a != b for a, b in zip(written.splitlines(), text.splitlines(), strict=False)
        )
        if best_distance is None or distance < best_distance:
            best, best_distance = layout, distance
    return best


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _find(data: CommentedMap, section: str, element_id: str) -> CommentedMap:
    items = data.get(section)
    for item in items if isinstance(items, list) else ():
        if isinstance(item, CommentedMap) and str(item.get("id")) == element_id:
            return item
    raise EditError(f"the plan has no {section} element {element_id!r}; reload and try again")


def _set_path(element: CommentedMap, keys: list[str], value: Value) -> None:
    head, rest = keys[0], keys[1:]
    if rest:
        nested = element.get(head)
        if not isinstance(nested, CommentedMap):
            if value is None or value == []:
                return  # removing a key of a mapping that is not there
            nested = CommentedMap()
            nested.fa.set_flow_style()  # `cadence: {count: 1, per: week}`, as the examples
            element[head] = nested
        _set_path(nested, rest, value)
        if not nested:
            del element[head]
        return
    _set_key(element, head, value)


def _set_key(element: CommentedMap, key: str, value: Value) -> None:
    old = element.get(key)
    if value is None or value == []:
        if key in element:
            del element[key]
        return
    if isinstance(value, list):
        if isinstance(old, list) and list(map(str, old)) == value:
            return
        if not isinstance(old, list) and len(value) == 1 and old is not None:
            value = value[0]  # `accountable: sam` stays a single id
        else:
            element[key] = _flow_list(value)
            return
    if _same(old, value):
        return
    if isinstance(old, ScalarString) and isinstance(value, str):
        value = type(old)(value)  # a quoted title stays quoted the same way
    element[key] = value


def _same(old: object, new: object) -> bool:
    """Equal and of the same kind (`true` is not `1`, `"60"` is not `60`)."""
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    return old == new and isinstance(old, type(new))


def _move_trailing_lines(previous: Any, element: CommentedMap) -> None:
    """The blank lines after the list's last element follow the new last one instead.

    ruamel keeps them in the comment after the last element's last value; left there, the
    new element would come after the blank line that separates this list from the next key.
    """
    holder, key = _last_comment(previous)
    if holder is None:
        return
    token = holder.ca.items[key][2]
    inline, _, rest = token.value.partition("\n")
    if not rest:
        return
    token.value = inline + "\n"
    if not inline:
        holder.ca.items[key][2] = None
    last = list(element)[-1]
    element.ca.items[last] = [None, None, CommentToken("\n" + rest, CommentMark(0), None), None]


def _last_comment(node: Any) -> tuple[Any, Any]:
    """The collection and key whose end-of-line comment follows the last value of `node`."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        entry = node.ca.items.get(key)
        position = 2 if isinstance(node, CommentedMap) else 0
        if entry and len(entry) > position and entry[position] is not None:
            return (node, key) if position == 2 else (None, None)
        node = node[key]
    return None, None


def _flow_list(values: list[str]) -> CommentedSeq:
    """`[a, b]` on one line, as the examples write id lists."""
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq

"""Private messages read as a person reads a conversation: one wait per turn.

A customer who writes "Hello", then "is anyone there?", then "my order is late" before we
answer waits once, from "Hello", and our answer ends that wait whichever of the three
its `in_reply_to` names. Counted message by message, the first would read as answered
and the other two as unanswered for ever: a response rate of a third for a conversation
answered in full. So, for inbound private messages (`message_in`) only:

* the messages of one **counterpart** (the same channel, account and author) are read in
  time order with our answers to any of them (a reply or message whose `in_reply_to` is
  one of their ids);
* a **turn** is the run of their messages between two answers of ours: it opens a wait at
  its first message, and the first answer after that message ends it (an answer at the
  same instant as a message comes after it);
* the later messages of a turn are no wait of their own.

A message without an author cannot be tied to a counterpart: it stays a wait of its
own, answered by what names it. Comments and mentions are left alone: two comments of
one person under two posts are two questions, not one turn of a conversation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

TURN_KIND: Final = "message_in"
_COUNTERPART: Final = ("_with_channel", "_with_account", "_with_author")


def takes_turns(inbound: ibis.Table) -> ir.BooleanValue:
    """Whether each inbound item is read in turns: a private message with an author."""
    return (inbound.kind == TURN_KIND) & inbound.author.notnull()


def turn_openings(messages: ibis.Table, answers: ibis.Table) -> ibis.Table:
    """The `key` of each of `messages` (`takes_turns`) that opens a turn, with `_answer_key`:
    the `key` of the answer among `answers` that ends its turn (null while it waits).

    Accounts are compared as `messages` spell them: the caller gives them in one
    spelling (`conversation.account_key`)."""
    import ibis

    sided = messages.mutate(
        _with_channel=messages.channel,
        _with_account=messages.account.fill_null(""),
        _with_author=messages.author,
    )
    asked = sided.select(*_COUNTERPART, _ts=sided.ts, _answer=ibis.literal(0), _id=sided.key)
    targets = sided.select(*_COUNTERPART, _of_channel=sided.channel, _of_id=sided.native_id)
    links = answers.inner_join(
        targets, (answers.channel == targets._of_channel) & (answers.in_reply_to == targets._of_id)
    )
    said = links.select(*_COUNTERPART, _ts=links.ts, _answer=ibis.literal(1), _id=links.key)
    events = _nullable(asked).union(_nullable(said), distinct=True)
    order = [events._ts, events._answer, events._id]
    answered_so_far = events._answer.sum().over(
        ibis.cumulative_window(group_by=list(_COUNTERPART), order_by=order)
    )
    # The answers before an event, excluding itself: the turn a message belongs to, and
    # the turn an answer ends (the k-th answer ends turn k-1).
    events = events.mutate(_turn=(answered_so_far - events._answer).cast("int64"))
    opened = events.filter(events._answer == 0)
    rank = ibis.row_number().over(
        group_by=[*_COUNTERPART, "_turn"], order_by=[opened._ts, opened._id]
    )
    opened = opened.mutate(_rank=rank)
    opened = opened.filter(opened._rank == 0)
    ends = events.filter(events._answer == 1).select(
        *[events[c].name(f"_end{c}") for c in _COUNTERPART],
        _end_turn=events._turn,
        _answer_key=events._id,
    )
    same = [opened[c] == ends[f"_end{c}"] for c in _COUNTERPART]
    turns = opened.left_join(ends, [*same, opened._turn == ends._end_turn])
    return turns.select(key=turns._id, _answer_key=turns._answer_key)


def _nullable(table: ibis.Table) -> ibis.Table:
    """`table` with every column nullable: a union needs one schema, and a column may be
    required in the messages and not in the answers."""
    import ibis

    schema = table.schema()
    return table.cast(
        ibis.schema({name: kind.copy(nullable=True) for name, kind in schema.items()})
    )

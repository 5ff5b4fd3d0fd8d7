"""Long posts in the X archive: `tweets.js` cuts them, `note-tweet.js` holds them whole.

The fixture `x_archive/long/` is written by hand in the layout of a real archive
(PROVENANCE.md, "X archive"): a long post cut with "…" whose link (with the campaign) is
past the cut, a short tweet of the same thread posted in the same second (with a note of
its own, as real archives give), a long reply whose text starts with the handle it answers
and whose t.co link differs from the note's, and a plain tweet. Main stored the cut texts.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import ReadOptions, get_source
from outcomes.sources.base import Notice, Row
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file
from outcomes.workspace import init_workspace
from tests.sources.x_archive_data import ACCOUNT, data_folder

LONG = Path(__file__).parent / "fixtures" / "x_archive" / "long"
POST, SHORT, REPLY, PLAIN = (f"20290000000000003{n:02d}" for n in (1, 2, 3, 4))
NOTES = "note-tweet.js"
runner = CliRunner()


def texts(warehouse: Warehouse) -> dict[str, tuple[str, str | None]]:
    rows = warehouse.duckdb.execute("SELECT native_id, text, campaign FROM activities").fetchall()
    return {native_id: (text, campaign) for native_id, text, campaign in rows}


def note_text(number: int) -> str:
    """The whole text of the fixture's note `number` (1-based), read as JSON."""
    raw = (LONG / NOTES).read_text(encoding="utf-8")
    notes = json.loads(raw.split("=", 1)[1])
    text: str = notes[number - 1]["noteTweet"]["core"]["text"]
    return text


def copy(folder: Path) -> Path:
    """The fixture's two files and the account in `folder`; the tweets file's path."""
    return data_folder("long", folder) / "tweets.js"


def test_a_long_post_is_stored_whole_with_the_campaign_of_its_link_past_the_cut(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    result = ingest_file(warehouse, get_source("x-archive"), copy(tmp_path / "data"))

    assert (result.read, result.loaded, result.rejected, result.notices) == (4, 4, 0, ())
    stored = texts(warehouse)
    assert stored[POST] == (note_text(1), "care-in-public")
    # The reply keeps the handle it answers, which the note leaves out.
    assert stored[REPLY][0] == "@harbour_logistics " + note_text(3)
    # A tweet that is not cut keeps its own text, though a note of the same second fits it.
    assert stored[SHORT][0] == note_text(2)
    assert stored[PLAIN][0].startswith("Freight rates for March")


def test_the_archive_zip_reads_its_notes_too(tmp_path: Path, warehouse: Warehouse) -> None:
    archive = tmp_path / "twitter-2026-03-06-abc.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for name in ("tweets.js", NOTES):
            packed.write(LONG / name, f"data/{name}")
        packed.write(ACCOUNT, f"data/{ACCOUNT.name}")

    ingest_file(warehouse, get_source("x-archive"), archive)

    assert texts(warehouse)[POST] == (note_text(1), "care-in-public")


def test_a_note_that_fits_no_tweet_or_two_is_reported_and_nothing_is_guessed(
    tmp_path: Path,
) -> None:
    path = copy(tmp_path / "data")
    tweets = path.read_text(encoding="utf-8")
    # A second copy of the long post's record under another id: the note fits both.
    start = tweets.index('  {\n    "tweet"')
    end = tweets.index('  {\n    "tweet"', start + 1)
    twin = tweets[start:end].replace(POST, "2029000000000000399")
    path.write_text(tweets[:start] + twin + tweets[start:], encoding="utf-8")
    notes = (path.parent / NOTES).read_text(encoding="utf-8")
    (path.parent / NOTES).write_text(
        notes.replace('"2026-03-04T11:02:44.000Z"', '"2026-03-04T11:02:45.000Z"'), encoding="utf-8"
    )

    parsed = list(get_source("x-archive").read(path, ReadOptions()))

    rows = {p.values["native_id"]: p.values["text"] for p in parsed if isinstance(p, Row)}
    assert rows[POST].endswith("… https://t.co/CutLink001")  # two tweets fit: neither takes it
    assert rows["2029000000000000399"] == rows[POST]
    assert rows[REPLY].endswith("… https://t.co/CutLink002")  # its note is a second later
    [notice] = [p for p in parsed if isinstance(p, Notice)]
    assert parsed[-1] is notice  # after the rows it is about
    assert notice.text.startswith(f"{NOTES}: long posts not matched to exactly one tweet")
    assert "note 2029000000000000901 matches 2 tweets" in notice.text
    assert "note 2029000000000000903 matches no tweet" in notice.text


def test_a_note_that_cannot_be_read_is_reported_and_its_post_keeps_the_cut_text(
    tmp_path: Path,
) -> None:
    path = copy(tmp_path / "data")
    notes = path.parent / NOTES
    first = '"createdAt" : "2026-03-04T09:15:07.000Z",'
    text = notes.read_text(encoding="utf-8")
    assert text.count(first) == 2  # the long post's note and the short tweet's
    twice = first + ' "createdAt" : "2026-03-05T09:15:07.000Z",'
    notes.write_text(text.replace(first, twice, 1), encoding="utf-8")

    parsed = list(get_source("x-archive").read(path, ReadOptions()))

    rows = {p.values["native_id"]: p.values["text"] for p in parsed if isinstance(p, Row)}
    assert rows[POST].endswith("… https://t.co/CutLink001")
    assert rows[REPLY] == "@harbour_logistics " + note_text(3)
    [notice] = [p.text for p in parsed if isinstance(p, Notice)]
    assert notice.startswith(
        f"{NOTES}: 1 note cannot be read (note 1: the key 'createdAt' is given twice, with two "
        "values"
    )


def test_a_damaged_note_file_loses_no_tweet_and_keeps_a_full_text_stored_before(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = copy(tmp_path / "data")
    source = get_source("x-archive")
    ingest_file(warehouse, source, path)
    notes = path.parent / NOTES
    notes.write_bytes(notes.read_bytes()[:700])  # cut off, as a broken download is

    again = ingest_file(warehouse, source, path)

    assert not again.already_loaded and again.read_again is not None
    assert (again.read, again.rejected, again.loaded) == (4, 0, 0)
    assert texts(warehouse)[POST] == (note_text(1), "care-in-public")
    [notice] = again.notices
    assert notice.startswith(f"{NOTES} cannot be read (")
    assert "download the archive again" in notice


def test_a_damaged_note_file_alone_still_loads_every_tweet(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = copy(tmp_path / "data")
    (path.parent / NOTES).write_text("window.YTD.note_tweet.part0 = [ {", encoding="utf-8")

    result = ingest_file(warehouse, get_source("x-archive"), path)

    assert (result.read, result.loaded) == (4, 4)
    assert texts(warehouse)[POST][0].endswith("… https://t.co/CutLink001")
    assert len(result.notices) == 1


def test_a_changed_note_file_reads_the_same_tweets_again(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = copy(tmp_path / "data")
    notes = path.parent / NOTES
    kept = notes.read_text(encoding="utf-8")
    notes.unlink()
    source = get_source("x-archive")
    first: IngestResult = ingest_file(warehouse, source, path)
    assert texts(warehouse)[POST][0].endswith("…" + " https://t.co/CutLink001")

    notes.write_text(kept, encoding="utf-8")  # the archive's note-tweet.js put back
    again = ingest_file(warehouse, source, path)

    assert not again.already_loaded and again.updated == 2
    assert again.read_again == (
        f"read again: ingest {first.ingest_id} loaded the same bytes, "
        f"but not with the same account.js and {NOTES}"
    )
    assert texts(warehouse)[POST] == (note_text(1), "care-in-public")
    assert ingest_file(warehouse, source, path).already_loaded


def test_the_command_line_warns_of_notes_it_could_not_match(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    path = copy(tmp_path / "data")
    notes = path.parent / NOTES
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("2026-03-04T11:02:44", "2026-03-04T11:03:44"), encoding="utf-8")
    command = ["ingest", "x-archive", str(path), "-w", str(tmp_path / "ws")]

    result = runner.invoke(app, command, env={"COLUMNS": "400"})

    assert result.exit_code == 0, result.output
    assert "note 2029000000000000903 matches no tweet" in result.output


def test_a_tweet_file_beside_others_names_only_the_notes_it_leaves_cut(tmp_path: Path) -> None:
    """`community-tweet.js` shares `note-tweet.js` with `tweets.js` and is loaded on its own
    (`--auto`): the notes of `tweets.js` fit none of its tweets, and that is no warning. A
    tweet of `tweets.js` that is left cut still has its note named."""
    path = copy(tmp_path / "data")
    community = shutil.copy(LONG.parent / "community" / "community-tweet.js", path.parent)
    source = get_source("x-archive")

    parsed = list(source.read(Path(community), ReadOptions()))

    assert [p for p in parsed if isinstance(p, Row)]
    assert not [p for p in parsed if isinstance(p, Notice)]
    notes = path.parent / NOTES
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("2026-03-04T11:02:44", "2026-03-04T11:03:44"), encoding="utf-8")
    [notice] = [p for p in source.read(path, ReadOptions()) if isinstance(p, Notice)]
    assert "note 2029000000000000903 matches no tweet" in notice.text

"""Peak memory of ingesting an X archive whose `tweets.js` member is about 300 MB.

Run by hand: `python benchmarks/x_archive_memory.py [--mb 300] [--keep DIR]`. It writes a
synthetic archive zip (tweets shaped like a real archive's, pretty-printed as X does) into
a temporary folder, then in a fresh process ingests it into a fresh workspace and prints
that process's peak resident memory (`ru_maxrss`) beside the member's size and a floor:
the peak of a process that only imports the package. "read" is the
connector alone (rows discarded as they come), "ingest" the whole load through
`ingest_file`. The connector streams the member, so its peak should sit near the floor,
far below the member's size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path
from typing import Any

MB = 1024 * 1024

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from outcomes.sources import ReadOptions, Row, get_source
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    archive, workspace, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    start = time.perf_counter()
    loaded = rejected = 0
    source = get_source("x-archive")
    if mode == "read":  # the connector alone, rows discarded as they come
        for item in source.read(archive, ReadOptions()):
            loaded += isinstance(item, Row)
            rejected += not isinstance(item, Row)
    elif mode == "ingest":
        with Warehouse.open(workspace) as warehouse:
            result = ingest_file(warehouse, source, archive, ReadOptions())
            loaded, rejected = result.loaded, result.rejected
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"peak": peak, "seconds": time.perf_counter() - start,
                      "loaded": loaded, "rejected": rejected}))
    """
)


def tweet(index: int) -> dict[str, Any]:
    """One archive element, with the fields and nesting of a real one (about 1.5 KB)."""
    tweet_id = str(1_700_000_000_000_000_000 + index)
    return {
        "tweet": {
            "edit_info": {"initial": {"editTweetIds": [tweet_id], "editableUntil": "2025-01-01T00:00:00.000Z",
                                      "editsRemaining": "5", "isEditEligible": True}},
            "retweeted": False,
            "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "entities": {
                "hashtags": [{"text": "SocialBusiness", "indices": ["40", "55"]}],
                "symbols": [],
                "user_mentions": [],
                "urls": [{"url": "https://t.co/AbC123xyz",
                          "expanded_url": f"https://northwind.example/guide?utm_campaign=c{index % 40}",
                          "display_url": "northwind.example/guide", "indices": ["60", "83"]}],
            },
            "display_text_range": ["0", "140"],
            "favorite_count": str(index % 97),
            "id_str": tweet_id,
            "truncated": False,
            "retweet_count": str(index % 13),
            "id": tweet_id,
            "created_at": "Sat Dec 06 18:20:30 +0000 2025",
            "favorited": False,
            "full_text": f"Update {index}: listening beats broadcasting &amp; we measure it "
                         "#SocialBusiness https://t.co/AbC123xyz ✨",
            "lang": "en",
        }
    }  # fmt: skip


def write_archive(path: Path, megabytes: int) -> tuple[int, int]:
    """The archive zip; returns (tweets, bytes of the tweets.js member)."""
    account = [{"account": {"username": "northwind", "accountId": "1"}}]
    count = written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/account.js", "window.YTD.account.part0 = " + json.dumps(account))
        with archive.open("data/tweets.js", "w", force_zip64=True) as member:
            written += member.write(b"window.YTD.tweets.part0 = [ ")
            while written < megabytes * MB:
                separator = b"" if count == 0 else b", "
                text = json.dumps(tweet(count), indent=2, ensure_ascii=False).encode()
                written += member.write(separator + text)
                count += 1
            written += member.write(b" ]")
    return count, written


def measure(archive: Path, workspace: Path, mode: str) -> dict[str, float]:
    """Peak RSS of a fresh process: "floor" (imports only), "read" or "ingest"."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(archive), str(workspace), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the child failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=int, default=300, help="size of the tweets.js member")
    parser.add_argument("--keep", type=Path, help="write the archive here instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        archive = folder / "twitter-archive.zip"
        count, member = write_archive(archive, args.mb)
        zipped = archive.stat().st_size
        floor = measure(archive, folder / "floor-ws", "floor")
        read = measure(archive, folder / "read-ws", "read")
        load = measure(archive, folder / "ws", "ingest")
    print(f"tweets.js member {member / MB:.1f} MB, {count:,} tweets, zip {zipped / MB:.1f} MB")
    print(f"floor  (imports only) peak RSS {floor['peak'] / MB:7.1f} MB")
    for name, run in (("read", read), ("ingest", load)):
        above = run["peak"] - floor["peak"]
        print(
            f"{name:<6} peak RSS {run['peak'] / MB:7.1f} MB, {above / MB:+7.1f} MB over the floor "
            f"({above / member:.1%} of the member); {run['loaded']:,.0f} rows, "
            f"{run['rejected']:,.0f} rejected, {run['seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()

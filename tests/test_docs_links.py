"""Every relative link of the README and docs reaches a file, and every #anchor a heading.

Anchors are the ones GitHub makes from headings: lower case, punctuation but `-` and `_`
dropped, spaces as `-`, a repeated heading numbered (`-1`, `-2`). Code (fenced blocks and
`spans`) holds no links. The integration's own links to its docs on GitHub (a repair
issue's *Learn more*) are checked the same way.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "node" / "README.md", *(ROOT / "docs").glob("*.md")])
OUR_GITHUB = "https://github.com/py-iot-home/py_iot_home/blob/main/"

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^()\s>]+(?:\([^()\s]*\))?)>?")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def _prose(text: str) -> str:
    """The text without its code, which holds no links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    shown = shown.replace("`", "").replace("*", "")
    shown = re.sub(r"[^\w\- ]", "", shown.strip().lower())
    return shown.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of a markdown file: its headings', numbered when repeated, and explicit ones."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set(HTML_ANCHOR.findall(text))
    for heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def broken(target: str, source: Path) -> str | None:
    """Why a link from `source` does not reach its place, or None if it does."""
    place, _, anchor = target.partition("#")
    path = (source.parent / place).resolve() if place else source
    if not path.exists():
        return f"no file {place}"
    if anchor and path.suffix == ".md" and anchor not in anchors(path):
        return f"no heading #{anchor} in {path.name}"
    return None


def _links(path: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(_prose(path.read_text(encoding="utf-8")))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_reach_a_file_and_heading(document: Path) -> None:
    problems = [
        f"{target}: {why}"
        for target in _links(document)
        if (why := broken(target, document)) is not None
    ]
    assert problems == []


def test_the_integrations_links_to_its_docs_reach_a_file_and_heading() -> None:
    sources = sorted((ROOT / "custom_components").rglob("*.py"))
    targets = {
        match
        for source in sources
        for match in re.findall(
            re.escape(OUR_GITHUB) + r"([^\s\"'#)]+(?:#[\w-]+)?)", source.read_text()
        )
    }
    assert targets, "the repair issues link to the docs"
    problems = [
        f"{target}: {why}" for target in sorted(targets) if (why := broken(target, ROOT / "x"))
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Signatures (optional)", "signatures-optional"),
        ("Model: ridge regression, in numpy", "model-ridge-regression-in-numpy"),
        ("`analyze_trend`", "analyze_trend"),
        ("Forms (December 2026, helper-87)", "forms-december-2026-helper-87"),
        ("Python and Home Assistant versions", "python-and-home-assistant-versions"),
    ],
)
def test_anchors_are_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_a_missing_file_or_heading_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Title\n\n## Part one\n\n## Part one\n")
    source = tmp_path / "doc.md"
    source.write_text(
        "[a](other.md#part-one-1) [b](other.md#part-two) [c](gone.md) ![e](#title)\n"
        "`[d](gone.md)` [f](https://example.com/gone.md)\n\n```\n[g](gone.md)\n```\n"
    )
    assert [broken(target, source) for target in _links(source)] == [
        None,
        "no heading #part-two in other.md",
        "no file gone.md",
        "no heading #title in doc.md",
    ]

"""The docs' generated figures each have one home, and a rerun of their bench keeps the rest.

`script/bench-docs NAME` rewrites what lies between section NAME's markers in the documents
`bench/regenerate_docs.py --list` names; bench/soak.py writes docs/reliability.md whole,
its findings from bench/security_findings.md. A section in a document its bench does not
write, or findings written into the document alone, would be lost or left stale by a rerun.
"""

from __future__ import annotations

import re
from pathlib import Path

from bench import soak
from bench.docs_section import begin_marker, end_marker
from bench.regenerate_docs import BENCHMARKS

ROOT = Path(__file__).parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "node" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SECTION = re.compile(r"^<!-- generated: (\w+) by ", re.MULTILINE)


def _sections() -> set[tuple[str, str]]:
    """(section, document) for every generated section the documents hold."""
    found = set()
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for name in SECTION.findall(text):
            # Exactly once, opened and closed: write_section would rewrite the first span only.
            assert text.count(begin_marker(name)) == 1, (path, name)
            assert text.count(end_marker(name)) == 1, (path, name)
            assert text.index(begin_marker(name)) < text.index(end_marker(name)), (path, name)
            found.add((name, str(path.relative_to(ROOT))))
    return found


def test_each_generated_section_lives_where_its_bench_writes() -> None:
    written = {
        (benchmark.name, document)
        for benchmark in BENCHMARKS
        if benchmark.name != "soak"  # writes its document whole, below
        for document in benchmark.where.split(", ")
    }
    assert _sections() == written


def test_a_rerun_of_the_soak_keeps_docs_reliability_as_it_is() -> None:
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    run = re.search(r"\((full|quick) run, ([0-9-]+); pytest: (.*)\)\.", doc)
    assert run is not None
    table = "\n".join(line for line in doc.split("\n\n")[2].splitlines() if line.startswith("|"))
    rewritten = soak.DOC_TEMPLATE.format(
        table=table,
        mode=run[1],
        date=run[2],
        summary=run[3],
        security=soak.SECURITY_FINDINGS.read_text(encoding="utf-8").rstrip(),
    )
    assert rewritten == doc

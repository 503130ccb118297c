"""Text shown as exactly that text: in Markdown (flow descriptions, repairs), in answers."""

from __future__ import annotations

import re
from typing import Final

NO_BREAK_SPACE: Final = "\N{NO-BREAK SPACE}"
# CommonMark lets a backslash make any ASCII punctuation character plain text.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_literal(text: str) -> str:
    """`text` as Markdown that shows exactly it: no link, image, emphasis or HTML of its own.

    For names a node announced, which may be anyone's on the broker.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def with_unit(number: str, unit: str) -> str:
    """A number and its unit joined by a no-break space: "12.6 kWh" never wraps between them."""
    return f"{number}{NO_BREAK_SPACE}{unit}"

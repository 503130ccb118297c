"""Text shown inside Markdown (flow descriptions, repairs) as exactly that text."""

from __future__ import annotations

import re
from typing import Final

# CommonMark lets a backslash make any ASCII punctuation character plain text.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_literal(text: str) -> str:
    """`text` as Markdown that shows exactly it: no link, image, emphasis or HTML of its own.

    For names a node announced, which may be anyone's on the broker.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)

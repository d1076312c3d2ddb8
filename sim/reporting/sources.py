"""The seed papers by title: what a scenario's ``source`` cites, made readable.

Scenario and parameter sources cite the seed files of ``../shared/seeds`` by
number and file name (``[001] 001_11eac7f4ad8ff51f.txt``). A reader wants
the paper, so reports show the title instead of the hashed file name. The
titles were read from the first lines of each seed file; where a file has
no title line (``004``), the title is made from its abstract and says so.
"""

from __future__ import annotations

import re

#: Seed file name -> (English title, Chinese title).
SEED_TITLES: dict[str, tuple[str, str]] = {
    "000_f96fc9750c946368.txt": (
        "Conception of China's e-government organization and management system (web copy)",
        "《我国电子政务组织管理体系的构想》（网页转载）",
    ),
    "001_11eac7f4ad8ff51f.txt": (
        "Conception of China's e-government organization and management system",
        "《我国电子政务组织管理体系的构想》",
    ),
    "002_5245b34a8caaa34c.txt": (
        "The current state and development goals of e-government in China (Contemporary "
        "Secretary, 2006)",
        "《我国电子政务的现状和发展目标》（当代秘书）",
    ),
    "003_d43b6837e3f4b962.txt": (
        "Lecture 8: the management system and security system of e-government",
        "《第八讲 电子政务管理体制与电子政务安全体系》",
    ),
    "004_41ae0e259cfb0cac.txt": (
        "Developing e-government under China's national conditions (title from the abstract)",
        "《依据中国国情发展电子政务》（标题据摘要拟定）",
    ),
}

_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def seed_title(file_name: str, lang: str = "en") -> str:
    """Return the title of a seed file (the file name if it is not in the table).

    Args:
        file_name: A seed file name such as ``001_11eac7f4ad8ff51f.txt``.
        lang: ``en`` or ``zh``.

    Returns:
        The paper's title in the language.
    """
    titles = SEED_TITLES.get(file_name)
    if titles is None:
        return file_name
    return titles[1] if lang == "zh" else titles[0]


def with_titles(text: str, lang: str = "en") -> str:
    """Replace every seed file name in a source text by its paper's title.

    Args:
        text: A ``source`` text, e.g. ``"[001] 001_11eac7f4ad8ff51f.txt (...)"``.
        lang: ``en`` or ``zh``.

    Returns:
        The text with titles in place of hashed file names.
    """
    return _FILE.sub(lambda m: seed_title(m.group(0), lang), str(text))

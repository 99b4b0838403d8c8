"""jieba's dictionary part-of-speech tags, read without importing ``jieba.posseg``.

``jieba.posseg`` builds the same word → tag table from the same file on import, but it also
loads its HMM tables and splits the 349k lines one by one in Python (~0.4 s of a cold build).
Here the bundled dictionary is split in one call; any file this fast reading could get
wrong (another whitespace, a line without exactly word, frequency and tag) is read by
``jieba.posseg`` itself. tests/test_wordtags.py checks both tables are equal.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def tag_table() -> dict[str, str]:
    """word → tag, exactly ``jieba.posseg.dt.word_tag_tab``."""
    import jieba

    if jieba.dt.dictionary == jieba.DEFAULT_DICT:
        with jieba.dt.get_dict_file() as f:
            text = f.read().decode("utf-8")
        table = _split(text)
        if table is not None:
            return table
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _split(text: str) -> dict[str, str] | None:
    """The table of a dictionary whose every line is 'word frequency tag', else None."""
    if any(odd in text for odd in ("\t", "\r", "\x0b", "\x0c", "\u3000", "  ", "\n\n", " \n", "\n ")) or text.startswith((" ", "\n")):
        return None
    parts = text.split()
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    # every line two single spaces and three fields, the middle one a number
    if len(parts) != 3 * lines or text.count(" ") != 2 * lines or not "".join(parts[1::3]).isdigit():
        return None
    return dict(zip(parts[0::3], parts[2::3]))

"""The relation model's cue search (``_cue_keys``) finds exactly the cue lists ``_cue_patterns``
(one regex per list, the definition) finds, on the report and on adversarial text."""

import random

from aikg import paths
from aikg.extract import relmodel
from aikg.extract.rules import load_rules


def _reference(rules, text):
    return tuple(key for key, pattern in relmodel._cue_patterns(rules) if pattern.search(text))


def test_cue_keys_equal_the_one_regex_per_list_on_the_report():
    rules = load_rules(paths.RULES)
    text = (paths.CORPUS_DIR / "china-open-source-2024.txt").read_text(encoding="utf-8")
    rng = random.Random(1)
    for _ in range(20000):
        start = rng.randrange(len(text))
        stretch = text[start:start + rng.choice((3, 12, 40, 120))]
        assert relmodel._cue_keys.__wrapped__(rules, stretch) == _reference(rules, stretch), stretch


def test_cue_keys_equal_the_one_regex_per_list_on_adversarial_text():
    """Cues in any case, glued to letters, digits and punctuation, with the characters that match
    ASCII letters only case-insensitively (Kelvin sign, long s, dotted/dotless i)."""
    rules = load_rules(paths.RULES)
    words = [w for key in relmodel.CUE_KEYS for w in rules.relations.get(key, ())]
    noise = list("aAbBkKsSiIzZ '-_.0123,，的由和") + ["\u212a", "\u017f", "\u0130", "\u0131", "é", "ß", "ﬀ", "Ａ"]
    rng = random.Random(7)
    for _ in range(20000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5:
                word = "".join(c.upper() if rng.random() < 0.3 else c for c in rng.choice(words))
                if rng.random() < 0.2:
                    word = word.replace("k", "\u212a").replace("s", "\u017f").replace("i", "\u0130")
                parts.append(word)
            else:
                parts.append("".join(rng.choice(noise) for _ in range(rng.randint(0, 3))))
        text = "".join(parts)
        assert relmodel._cue_keys.__wrapped__(rules, text) == _reference(rules, text), text

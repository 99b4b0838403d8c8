"""The word → tag table read without jieba.posseg is jieba.posseg's own table."""

from aikg.extract.wordtags import _split, tag_table


def test_tag_table_is_posseg_table():
    import jieba.posseg

    table = tag_table()
    assert table is not jieba.posseg.dt.word_tag_tab  # read by the fast path
    assert table == jieba.posseg.dt.word_tag_tab
    assert list(table) == list(jieba.posseg.dt.word_tag_tab)


def test_split_refuses_what_it_could_read_wrong():
    assert _split("中科院 10 nt\n清华 20 nt\n") == {"中科院": "nt", "清华": "nt"}
    assert _split("中科院 10 nt\n清华 20 nt") == {"中科院": "nt", "清华": "nt"}
    for odd in ("中科院 10\n清华 20 nt\n", "中科院 10 nt x\n清华 20\tnt\n", "a\tb 1 n\n", "中科院  10 nt\n",
                "中科院 10 nt\n\n清华 20 nt\n", "中科院 nt 10\n", "中科院 10 nt\u3000\n"):
        assert _split(odd) is None, odd

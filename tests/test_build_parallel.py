"""Parallel and incremental builds: same bytes for every --workers, unchanged files come from the cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aikg import paths
from aikg.build import build

UNSEEN = Path(__file__).resolve().parents[1] / "annotations" / "unseen"
EXTRA = "# 小测试\n\n文/李雷\n\n智谱发布了 GLM-4 模型。阿里巴巴开发了通义千问。\n"


pytestmark = pytest.mark.usefixtures("cache_dir")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Four small documents: the three unseen articles and a short post."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("edge-ai-chips.txt", "multimodal-video-2025.md", "open-source-governance.txt"):
        shutil.copy(UNSEEN / name, folder / name)
    (folder / "post.md").write_text(EXTRA, encoding="utf-8")
    return folder


def _ttl(folder: Path) -> bytes:
    return (folder / paths.GRAPH_FILE).read_bytes()


def test_same_bytes_for_one_and_two_workers(corpus: Path, tmp_path: Path, cache_dir: Path):
    one = build([corpus], tmp_path / "w1", workers=1, cache=False)
    two = build([corpus], tmp_path / "w2", workers=2, cache=False)
    assert one.extracted == two.extracted == 4 and one.cached == two.cached == 0
    assert two.workers == 2
    assert _ttl(tmp_path / "w1") == _ttl(tmp_path / "w2")
    assert one.triples == two.triples > 0
    assert not cache_dir.exists() or not any(cache_dir.rglob("*.pickle")), "cache=False writes no cache"


def test_second_build_comes_from_the_cache_and_changes_nothing(corpus: Path, tmp_path: Path, cache_dir: Path):
    first = build([corpus], tmp_path / "a", workers=2)
    assert (first.extracted, first.cached) == (4, 0)
    second = build([corpus], tmp_path / "b", workers=2)
    assert (second.extracted, second.cached) == (0, 4)
    assert _ttl(tmp_path / "a") == _ttl(tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [paths.GRAPH_FILE], "no cache in the output folder"
    assert len(list(cache_dir.rglob("*.pickle"))) == 4

    # one changed file is extracted again, the rest come from the cache
    post = corpus / "post.md"
    post.write_text(EXTRA + "\n腾讯发布了混元大模型。\n", encoding="utf-8")
    third = build([corpus], tmp_path / "c", workers=1)
    assert (third.extracted, third.cached) == (1, 3)
    build([corpus], tmp_path / "fresh", cache=False)
    assert _ttl(tmp_path / "c") == _ttl(tmp_path / "fresh")


def test_a_removed_file_leaves_the_graph(corpus: Path, tmp_path: Path):
    build([corpus], tmp_path / "all", workers=2)
    assert b"open-source-governance" in _ttl(tmp_path / "all")
    (corpus / "open-source-governance.txt").unlink()
    report = build([corpus], tmp_path / "all", workers=2)
    assert (report.extracted, report.cached) == (0, 3)
    data = _ttl(tmp_path / "all")
    assert b"open-source-governance" not in data
    build([corpus], tmp_path / "fresh", cache=False)
    assert data == _ttl(tmp_path / "fresh")


def test_a_changed_lexicon_or_rules_fingerprint_misses_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from aikg import store

    rules = paths.RULES.read_bytes()
    (tmp_path / "rules.toml").write_bytes(rules)
    monkeypatch.setattr(store.paths, "RULES", tmp_path / "rules.toml")
    before = store.ExtractionCache().folder
    (tmp_path / "rules.toml").write_bytes(rules + b"\n# changed\n")
    assert store.ExtractionCache().folder != before


def test_cli_workers_and_cache_report(corpus: Path, tmp_path: Path, cache_dir: Path):
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_dir))
    command = [sys.executable, "-m", "aikg", "build", "--workers", "2", "--out", str(tmp_path / "out"), str(corpus)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "4 extracted, 0 from cache" in " ".join(first.stderr.split())
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0 and "0 extracted, 4 from cache" in " ".join(second.stderr.split())
    bad = subprocess.run([*command[:4], "0", *command[5:]], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr

"""Determinism: the same input gives byte-identical Turtle and HTML, whatever the hash seed,
the order (and mtimes) in which the files were created, the number of worker processes,
and whether extraction results came from the cache."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aikg import paths

UNSEEN = Path(__file__).resolve().parents[1] / "annotations" / "unseen"
EXTRA = {
    "a/report.md": "# 甲报告\n\n文/李雷\n\n智谱发布了 GLM-4 模型。阿里巴巴开发了通义千问。\n",
    "b/report.md": "# 乙报告\n\n文/韩梅梅、Bob Lee\n\n深度求索发布了 DeepSeek-V3。Qwen 基于 Transformer 架构。\n",
    "report-2.md": "# 丙\n\nOpenAI 开发了 GPT-4。Meta 开源了 Llama 3，LangChain 使用了 RAG 技术。\n",
    "z/深度/笔记.txt": "随笔\n\n百度发布了文心一言。腾讯开发了混元大模型。\n",
}


def _files() -> dict[str, bytes]:
    files = {name: text.encode("utf-8") for name, text in EXTRA.items()}
    for name in ("edge-ai-chips.txt", "multimodal-video-2025.md", "open-source-governance.txt"):
        files[name] = (UNSEEN / name).read_bytes()
    return files


def _make_corpus(folder: Path, order: list[str], files: dict[str, bytes], mtime_base: int) -> Path:
    """Create the files in ``order`` (directory entry order follows), with distinct mtimes."""
    for index, name in enumerate(order):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
        os.utime(path, (mtime_base + index * 97, mtime_base + index * 97))
    return folder


def _aikg(args: list, *, seed: str, cache: Path, cwd: Path) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed, AIKG_CACHE_DIR=str(cache))
    result = subprocess.run([sys.executable, "-m", "aikg", *map(str, args)], capture_output=True, text=True,
                            env=env, cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def listing_base(tmp_path_factory: pytest.TempPathFactory):
    """Where the corpora are created: on tmpfs if there is one, where a folder lists its files
    in (reverse) creation order; ext4 lists them by a hash of the name, whatever the order."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="aikg-determinism-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("listing")


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory, listing_base: Path) -> dict[str, Path]:
    """Three builds and two sites of the same corpus, made as differently as we can."""
    base = tmp_path_factory.mktemp("determinism")
    files = _files()
    names = sorted(files)
    shuffled = names[:]
    random.Random(3).shuffle(shuffled)
    cache = base / "cache"
    plans = {
        # name: (creation order, hash seed, workers, cache)
        "forward-seed0-w1-nocache": (names, "0", 1, False),
        "reverse-seed4242-w2-coldcache": (names[::-1], "4242", 2, True),
        "shuffled-seed77-w2-warmcache": (shuffled, "77", 2, True),
    }
    out = {}
    for index, (name, (order, seed, workers, use_cache)) in enumerate(plans.items()):
        corpus = _make_corpus(listing_base / name, order, files, mtime_base=1_600_000_000 - index * 10_000)
        (base / name).mkdir()
        graph = base / name / "graph"
        args = ["build", corpus, "--out", graph, "--workers", workers, "--quiet"] + ([] if use_cache else ["--no-cache"])
        _aikg(args, seed=seed, cache=cache, cwd=base / name)
        out[name] = graph
    for name, seed in (("forward-seed0-w1-nocache", "1"), ("shuffled-seed77-w2-warmcache", "31337")):
        _aikg(["viz", "--graph", out[name], "--out", base / name / "site", "--quiet"], seed=seed, cache=cache, cwd=base / name)
    return out


def test_turtle_is_byte_identical_across_seeds_orders_workers_and_cache(variants: dict[str, Path]):
    data = {name: (graph / paths.GRAPH_FILE).read_bytes() for name, graph in variants.items()}
    reference = data["forward-seed0-w1-nocache"]
    assert len(reference) > 10_000
    for name, value in data.items():
        assert value == reference, f"{name} differs from forward-seed0-w1-nocache"


def test_the_corpora_really_list_their_files_in_different_orders(listing_base: Path):
    listings = {name: [e.name for e in os.scandir(listing_base / name)] for name in os.listdir(listing_base)}
    if str(listing_base).startswith("/dev/shm/"):
        assert len({tuple(v) for v in listings.values()}) == 3, listings


def test_every_document_and_both_same_stem_files_are_in_the_graph(variants: dict[str, Path]):
    import rdflib

    graph = rdflib.Graph().parse(variants["forward-seed0-w1-nocache"] / paths.GRAPH_FILE, format="turtle")
    dct_source = rdflib.URIRef("http://purl.org/dc/terms/source")
    sources = {str(o) for o in graph.objects(None, dct_source)}
    assert sources == set(_files())
    art = "https://w3id.org/aikg/article/"
    keys = {str(s)[len(art):] for s in graph.subjects(dct_source, None)}
    # "a/report.md", "b/report.md" and "report-2.md": three distinct article nodes
    assert {"report", "report-2", "report-2-2"} <= keys


def test_html_is_identical_across_hash_seeds_and_builds(variants: dict[str, Path]):
    first = _tree(variants["forward-seed0-w1-nocache"].parent / "site")
    second = _tree(variants["shuffled-seed77-w2-warmcache"].parent / "site")
    assert len(first) > 10 and any(name.startswith("article/") for name in first)
    assert first == second


def test_graph_folders_hold_only_graph_ttl(variants: dict[str, Path]):
    for graph in variants.values():
        assert sorted(p.name for p in graph.iterdir()) == [paths.GRAPH_FILE]


def test_viz_twice_in_one_process_is_identical(variants: dict[str, Path], tmp_path: Path):
    from aikg import analyze, viz

    kg = analyze.load(variants["reverse-seed4242-w2-coldcache"])
    viz.render_site(kg, tmp_path / "one")
    viz.render_site(analyze.load(variants["reverse-seed4242-w2-coldcache"]), tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    shutil.rmtree(tmp_path / "one")


def test_ask_answers_do_not_depend_on_the_hash_seed(tmp_path):
    """Every question of the question set is read and answered alike under two hash seeds (cue
    words of one length used to be tried in set order, so a reading could change from run to run)."""
    repo = Path(__file__).resolve().parents[1]
    outputs = []
    for seed in ("5", "1"):
        env = dict(os.environ, PYTHONHASHSEED=seed, XDG_CACHE_HOME=str(tmp_path / "cache"))
        done = subprocess.run([sys.executable, "-m", "aikg", "eval", "--questions", str(repo / "annotations" / "questions.jsonl"),
                               str(repo / "extracted"), "--json"], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append([(s["printed"], s["reading"], s["declined"]) for s in json.loads(done.stdout)["scores"]])
    assert outputs[0] == outputs[1]

"""Safe writes: a killed build never damages the previous output; concurrent builds never interleave.

`aikg build` writes graph.ttl to a temporary file beside it (``.graph.ttl.*.tmp``),
fsyncs it and renames it into place while holding a lock on the output folder.
SIGKILL skips every cleanup, so a killed build may leave its temporary file: the
next build removes it (under the lock), and the folder again holds only graph.ttl.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

from aikg import paths
from aikg.build import build

REPO = Path(__file__).resolve().parents[1]
PREVIOUS = (REPO / "tests" / "fixtures" / "mini" / "graph.ttl").read_bytes()  # "the previous build"

# The real entry point with os.fsync slowed down: the build is then inside its write
# (temporary file complete, not yet renamed) for DELAY seconds, long enough to hit.
SLOW_FSYNC = """
import os, sys, time
delay = float(os.environ["AIKG_TEST_FSYNC_DELAY"])
real_fsync = os.fsync
def slow_fsync(fd):
    time.sleep(delay)
    return real_fsync(fd)
os.fsync = slow_fsync
from aikg.cli import main
sys.argv = ["aikg", *sys.argv[1:]]
main()
"""


@pytest.fixture()
def env(tmp_path: Path) -> dict:
    return dict(os.environ, AIKG_CACHE_DIR=str(tmp_path / "cache"))


def _previous(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / paths.GRAPH_FILE).write_bytes(PREVIOUS)
    return out


def _assert_previous_intact(out: Path) -> None:
    assert (out / paths.GRAPH_FILE).read_bytes() == PREVIOUS
    rdflib.Graph().parse(out / paths.GRAPH_FILE, format="turtle")  # loadable
    leftovers = [p.name for p in out.iterdir() if p.name != paths.GRAPH_FILE]
    assert all(name.startswith(".graph.ttl.") and name.endswith(".tmp") for name in leftovers), leftovers


def _start(args: list, env: dict, *, slow_fsync: float | None = None) -> subprocess.Popen:
    if slow_fsync is None:
        command = [sys.executable, "-m", "aikg", *map(str, args)]
    else:
        command = [sys.executable, "-c", SLOW_FSYNC, *map(str, args)]
        env = dict(env, AIKG_TEST_FSYNC_DELAY=str(slow_fsync))
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _wait_for_write(out: Path, process: subprocess.Popen, timeout: float = 240) -> Path | None:
    """Wait until the build starts writing: its temporary file appears (or graph.ttl itself changes)."""
    target = out / paths.GRAPH_FILE
    before = target.stat()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(out.glob(".graph.ttl.*.tmp"))
        if found:
            return found[0]
        now = target.stat() if target.exists() else None
        if now is None or (now.st_mtime_ns, now.st_size, now.st_ino) != (before.st_mtime_ns, before.st_size, before.st_ino):
            return None  # written in place: the previous graph is already gone
        if process.poll() is not None:
            pytest.fail(f"the build ended before writing: {process.stderr.read().decode()}")
        time.sleep(0.01)
    process.kill()
    pytest.fail("the build never started writing")


@pytest.fixture(scope="module")
def slow_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten copies of the bundled report: a build of about 13 s on an idle machine (startup, reading,
    extraction, RDF, SHACL, write), so that every kill point below lands inside it. A kill
    ends the build, so the size costs nothing."""
    folder = tmp_path_factory.mktemp("slow-corpus")
    for index in range(10):
        (folder / f"copy-{index}.txt").write_bytes(paths.DEFAULT_CORPUS.read_bytes())
    return folder


@pytest.mark.parametrize("after", [0.3, 1.5, 3.5, 6.0])
def test_sigkill_at_any_moment_leaves_the_previous_graph(after: float, slow_corpus: Path, tmp_path: Path, env: dict):
    out = _previous(tmp_path / "extracted")
    process = _start(["build", slow_corpus, "--out", out, "--no-cache", "--quiet"], env)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed; kill earlier"
    _assert_previous_intact(out)


def test_sigkill_inside_the_write_then_the_next_build_cleans_up(tmp_path: Path, env: dict):
    source = tmp_path / "post.md"
    source.write_text("# 测试\n\n文/李雷\n\n智谱发布了 GLM-4 模型。\n", encoding="utf-8")
    out = _previous(tmp_path / "extracted")
    process = _start(["build", source, "--out", out, "--no-cache", "--quiet"], env, slow_fsync=30)
    temp = _wait_for_write(out, process)
    time.sleep(0.2)  # its bytes are written; the rename has not happened
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    _assert_previous_intact(out)
    assert temp is not None and temp.exists(), "SIGKILL leaves the temporary file behind (nothing can remove it)"
    # the next build succeeds and removes the stale file of the killed one
    result = subprocess.run([sys.executable, "-m", "aikg", "build", str(source), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, env=env, timeout=300, preexec_fn=lambda: os.umask(0o027))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [paths.GRAPH_FILE]
    graph = rdflib.Graph().parse(out / paths.GRAPH_FILE, format="turtle")
    assert (out / paths.GRAPH_FILE).read_bytes() != PREVIOUS and len(graph) > 10
    # ordinary permissions (0666 minus the umask), not mkstemp's private 0600
    assert stat.S_IMODE((out / paths.GRAPH_FILE).stat().st_mode) == 0o640


def test_stale_temporary_files_of_other_names_are_left_alone(tmp_path: Path, env: dict):
    source = tmp_path / "post.md"
    source.write_text("# 测试\n\n智谱发布了 GLM-4 模型。\n", encoding="utf-8")
    out = _previous(tmp_path / "extracted")
    (out / ".graph.ttl.k3j2h1.tmp").write_bytes(b"@prefix broken")  # ours, from a killed build
    (out / "notes.txt").write_text("the user's own file", encoding="utf-8")  # not ours
    build([source], out, cache=False)
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl", "notes.txt"]


def _reference(source: Path, folder: Path) -> bytes:
    build([source], folder, cache=False)
    return (folder / paths.GRAPH_FILE).read_bytes()


def test_concurrent_builds_into_one_folder_do_not_interleave(tmp_path: Path, env: dict):
    first = tmp_path / "first.md"
    first.write_text("# 甲\n\n文/李雷\n\n智谱发布了 GLM-4 模型。阿里巴巴开发了通义千问。\n", encoding="utf-8")
    second = tmp_path / "second.md"
    second.write_text("# 乙\n\n文/韩梅梅\n\n深度求索发布了 DeepSeek-V3。OpenAI 开发了 GPT-4。Meta 开源了 Llama 3。\n", encoding="utf-8")
    expected = {_reference(first, tmp_path / "ref-1"), _reference(second, tmp_path / "ref-2")}
    assert len(expected) == 2
    out = _previous(tmp_path / "extracted")
    # both writes are slowed so that they overlap: without the folder lock the second
    # build would remove the first one's temporary file (as stale) or rename over it
    builds = [_start(["build", source, "--out", out, "--no-cache", "--quiet"], env, slow_fsync=1.0)
              for source in (first, second)]
    for process in builds:
        process.wait(300)
        assert process.returncode == 0, process.stderr.read().decode()
    result = (out / paths.GRAPH_FILE).read_bytes()
    assert result in expected
    rdflib.Graph().parse(out / paths.GRAPH_FILE, format="turtle")
    assert sorted(p.name for p in out.iterdir()) == [paths.GRAPH_FILE]

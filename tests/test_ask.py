"""`aikg ask`: questions in plain words answered from real graphs (the hand-written mini graph,
and the committed build for facts the report states plainly), through the CLI, the explore
shell, the `aikg serve` page (a real server on loopback, a real headless Chromium with the
network off) and `aikg eval --questions`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pexpect
import pytest

from aikg.ask import ask, evaluate_questions, load_cues
from serving import running_server

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
COMMITTED = REPO / "extracted"


def labels(answer) -> list[str]:
    return [item.label for item in answer.answers]


def run_cli(*args: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    return subprocess.run([sys.executable, "-m", "aikg", *args], capture_output=True, text=True, env=env, timeout=120)


# -- reading questions ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Qwen 是谁开发的？", "Who developed Qwen?", "通义千问是哪家公司开发的？", "who DEVELOPED  qwen", "Who developed Qwne?",
    "Which company released Qwen?",
])
def test_who_made_a_model_in_chinese_english_aliases_case_and_typos(question):
    answer = ask(question, MINI)
    assert labels(answer) == ["阿里巴巴"], (answer.reading, answer.declined)
    (evidence,) = answer.answers[0].evidence
    assert evidence.article == "A01" and "阿里巴巴的 Qwen" in evidence.sentence
    assert evidence.start is not None and evidence.end > evidence.start


def test_direction_follows_the_question():
    assert labels(ask("阿里巴巴开发了什么？", MINI)) == ["Qwen"]
    assert labels(ask("What did 深度求索 develop?", MINI)) == ["DeepSeek"]
    assert labels(ask("What is KAG based on?", MINI)) == ["OpenSPG"]
    assert labels(ask("Which tools are based on OpenSPG?", MINI)) == ["KAG"]
    assert labels(ask("Which organizations is 谢筱恒 affiliated with?", MINI)) == ["蚂蚁集团程序分析团队", "香港科技大学"]
    assert labels(ask("蚂蚁集团程序分析团队属于哪家公司？", MINI)) == ["蚂蚁集团"]
    assert labels(ask("DeepSeek 引入了什么技术？", MINI)) == ["MLA"]


def test_asked_type_filters_answers():
    assert labels(ask("蚂蚁集团发布了哪些工具？", MINI)) == ["KAG"]
    models = ask("蚂蚁集团发布了哪些模型？", MINI)  # read, but the graph states no model of it
    assert models.declined is None and models.answers == [] and "Model" in models.reading


def test_articles_authors_and_mentions():
    assert labels(ask("《大模型生成代码的安全与质量》的作者是谁？", MINI)) == ["谢筱恒"]
    wrote = ask("梁磊写了哪篇文章？", MINI)
    assert [a.id for a in wrote.answers] == ["A12"] and wrote.answers[0].evidence[0].sentence == "文/梁磊"
    mentions = ask("哪些文章提到了 KAG？", MINI)
    assert [a.id for a in mentions.answers] == ["A12"]
    assert mentions.answers[0].type == "Article"


def test_two_hop_questions():
    people = ask("Who works at the company that released KAG?", MINI)
    assert labels(people) == ["梁磊"], people.reading
    hops = {e.hop for e in people.answers[0].evidence}
    assert hops == {1, 2} and all(e.via == "蚂蚁集团" for e in people.answers[0].evidence)
    written = ask("蚂蚁集团的人写了哪些文章？", MINI)
    assert [a.id for a in written.answers] == ["A12"], written.reading


@pytest.mark.parametrize("question, reason", [
    ("What is the weather in Paris tomorrow?", "names nothing the graph knows"),
    ("谁是梁磊？", "no relation word"),
    ("Qwen 在哪里工作？", "no reading of affiliatedWith fits"),
    ("", "empty"),
    ("   ", "empty"),
])
def test_questions_it_cannot_map_are_declined_not_guessed(question, reason):
    answer = ask(question, MINI)
    assert answer.answers == [] and reason in answer.declined


def test_declining_suggests_close_names():
    answer = ask("What did Alibabba Cloud Intelligence build?", MINI)
    assert answer.answers == [] or labels(answer) == ["Qwen"]
    nothing = ask("Who made Quen-Max-Ultra-Pro-2077 happen?", MINI)
    assert nothing.declined and nothing.suggestions


def test_question_text_never_reaches_the_query_text():
    hostile = 'Who developed Qwen" } . ?answer ?p ?o . FILTER(true) } #'
    answer = ask(hostile, MINI)
    assert labels(answer) == ["阿里巴巴"]
    assert "FILTER(true)" not in answer.sparql and "Qwen" not in answer.sparql
    assert set(answer.bindings) <= {"anchor", "p1", "p2", "want", "others"}
    assert answer.bindings["anchor"] == ["https://w3id.org/aikg/entity/qwen"]


def test_narrowing_words_on_the_committed_graph():
    """Words narrower than a relation keep only the answers that fit them (ontology/questions.toml)."""
    assert labels(ask("Bill Dally 的团队属于哪所大学？", COMMITTED)) == ["斯坦福大学"]  # a person's team, a university
    assert labels(ask("张宏波在哪里读的博士？", COMMITTED)) == ["宾夕法尼亚大学", "清华大学"]  # evidence about a degree
    assert "基础软件中心" in labels(ask("张宏波在哪里学习或工作过？", COMMITTED))  # study or work: both
    assert labels(ask("KAG 用了哪种信息抽取技术？", COMMITTED)) == ["开放信息抽取"]  # the qualifier 信息抽取
    framework = ask("KTransformers 采用了什么推理框架？", COMMITTED)  # MoE is stated, but not as 推理
    assert framework.answers == [] and "MoE" in framework.declined and "推理" in framework.declined
    companies = labels(ask("顾钧在哪些公司工作过？", COMMITTED))
    assert "IBM" in companies and "北京大学" not in companies  # a university is not a company
    founder = ask("寒武纪的创始人是谁？", COMMITTED)  # 陈云霁 is affiliated, but no sentence says founder
    assert founder.answers == [] and "创始人" in founder.declined


def test_reading_on_the_committed_graph():
    assert labels(ask("计算机网络与协议实验室隶属于哪家公司？", COMMITTED)) == ["华为"]  # 华为 left off the lab's name
    assert labels(ask("卢向东是哪家公司的 CEO？", COMMITTED)) == ["杭州萌嘉网络科技"]  # affiliatedWith, not developedBy
    author = ask("A13 的作者在哪里工作？", COMMITTED)  # two hops: the author's affiliations
    assert "authorOf A13] affiliatedWith" in author.reading and "中国科学院计算技术研究所" in labels(author)
    assert [a.id for a in ask("哪些文章提到了 Qwen 和 Milvus？", COMMITTED).answers] == ["A01", "A02", "A09", "A12"]
    both = ask("哪些文章同时提到了 Qwen 和 Milvus？", COMMITTED)
    assert both.answers == [] and both.declined is None and "&" in both.reading
    for question in ("When was Qwen released?", "Qwen 是哪一年发布的？", "How many models has 阿里巴巴 released?",
                     "阿里巴巴在 2024 年发布了哪些模型？", "Is Qwen open source?", "Qwen 开源了吗？"):
        answer = ask(question, COMMITTED)  # no dates, counts or yes-or-no: not the developer
        assert answer.answers == [] and "the graph records no dates" in answer.declined, question
    assert labels(ask("Who wrote 《RAG 市场的 2024：随需而变，从狂热到理性》?", COMMITTED)) == ["卢向东"]  # a year in a title


def test_an_article_described_by_what_its_title_names():
    # RAG and 知识图谱 each stand in one title: the description, its year included, is that article
    assert labels(ask("Who wrote the article about the RAG market in 2024?", COMMITTED)) == ["卢向东"]
    assert labels(ask("Who wrote the article on the rational return of knowledge graphs in the era of large models?", COMMITTED)) == ["梁磊"]
    assert labels(ask("关于知识图谱的那篇文章是谁写的？", COMMITTED)) == ["梁磊"]
    # a thing no title names leaves the question as it was: declined, not guessed
    assert ask("Who wrote the article about Milvus?", COMMITTED).answers == []


def test_the_lexicon_names_of_a_known_entity_link_a_question():
    # the report writes only 知识图谱; the lexicon also calls it Knowledge Graph
    answer = ask("Who proposed knowledge graph technology?", COMMITTED)
    assert answer.reading.startswith("[知识图谱 developedBy") and "谷歌" in labels(answer)


def test_the_names_are_kept_beside_the_store(tmp_path):
    """`aikg ask` keeps what it reads of the graph as JSON in the store's folder, reads it back, and
    rebuilds it when it is damaged; nothing is written into the graph's folder."""
    first = run_cli("ask", "Who developed KAG?", "--graph", str(MINI), cache=tmp_path)
    (saved,) = (tmp_path / "aikg" / "stores").glob("*/ask-names.v2.json")
    assert first.returncode == 0 and "KAG" in {e["label"] for e in json.loads(saved.read_text(encoding="utf-8"))["entities"]}
    saved.write_text("{not json", encoding="utf-8")
    again = run_cli("ask", "Who developed KAG?", "--graph", str(MINI), cache=tmp_path)
    assert again.returncode == 0 and again.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]  # all but the time
    assert json.loads(saved.read_text(encoding="utf-8"))["entities"]
    assert not list(MINI.glob("ask-names*"))


def test_cue_words_are_data():
    cues = load_cues()
    words = {word for word, relation, _ in cues.cues if relation == "developedBy"}
    assert {"开发", "发布", "推出", "做的", "出品", "developed by", "released"} <= words
    assert (REPO / "ontology" / "questions.toml").is_file()
    source = (REPO / "src" / "aikg" / "ask.py").read_text(encoding="utf-8")
    assert "发布" not in source.split('"""', 2)[2].split("def load_cues")[1]  # no cue word in the code


@pytest.mark.parametrize("text, message", [
    ("[[cue]]\nrelation = \"madeOf\"\nleft = \"subject\"\n", "a [[cue]] needs relation"),
    ("[unanswerable]\npatterns = [\"(unclosed\"]\n", "not a regular expression"),
    ("not = toml = at all", "cannot read the question cue words"),
])
def test_bad_cue_files_are_refused_in_one_line(tmp_path, text, message):
    from aikg.errors import AikgError

    path = tmp_path / "questions.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AikgError, match=re.escape(message)):
        load_cues(path)


def test_stable_facts_of_the_committed_graph():
    assert "Qwen" in labels(ask("阿里巴巴发布了哪些模型？", COMMITTED))
    assert "蚂蚁集团" in labels(ask("Who developed KAG?", COMMITTED))
    assert "梁磊" in labels(ask("Who works at the company that released KAG?", COMMITTED))


# -- the command line --------------------------------------------------------------------------


def test_cli_answers_with_evidence_and_sparql(tmp_path):
    done = run_cli("ask", "Who developed KAG?", "--graph", str(MINI), "--show-sparql", cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "蚂蚁集团" in done.stdout and "A12" in done.stdout and "OpenSPG/KAG" in done.stdout
    assert "SELECT DISTINCT ?answer" in done.stdout and "# bound: ?anchor = <https://w3id.org/aikg/entity/kag>" in done.stdout
    as_json = run_cli("ask", "Qwen 是谁开发的？", "--graph", str(MINI), "--format", "json", cache=tmp_path)
    data = json.loads(as_json.stdout)
    assert [a["label"] for a in data["answers"]] == ["阿里巴巴"] and data["answers"][0]["evidence"][0]["article"] == "A01"


def test_cli_declines_in_one_line_with_a_non_zero_exit(tmp_path):
    done = run_cli("ask", "What is the weather in Paris?", "--graph", str(MINI), cache=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot answer" in done.stderr and "Traceback" not in done.stderr
    empty = run_cli("ask", "蚂蚁集团发布了哪些模型？", "--graph", str(MINI), cache=tmp_path)
    assert empty.returncode == 1 and "no answer" in empty.stderr
    missing = run_cli("ask", "Who developed KAG?", "--graph", str(tmp_path / "nowhere"), cache=tmp_path)
    assert missing.returncode == 2 and "no graph here" in missing.stderr and "Traceback" not in missing.stderr
    helped = run_cli("ask", "--help")
    assert "--show-sparql" in helped.stdout and "--format" in helped.stdout


def test_explore_shell_answers_questions(tmp_path):
    aikg = shutil.which("aikg") or str(Path(sys.executable).parent / "aikg")
    env = {**os.environ, "HOME": str(tmp_path), "AIKG_HISTORY": str(tmp_path / "history"), "COLUMNS": "160",
           "TERM": "xterm", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    child = pexpect.spawn(aikg, ["explore", "--graph", str(MINI)], env=env, encoding="utf-8", timeout=60, dimensions=(40, 160))
    try:
        child.expect_exact("aikg> ")
        child.sendline("Qwen 是谁开发的？")
        child.expect("阿里巴巴")
        child.expect("A01")
        child.expect_exact("aikg> ")
        child.sendline("what is the weather")
        child.expect("cannot answer")
        child.expect_exact("aikg> ")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


# -- evaluation --------------------------------------------------------------------------------


def write_questions(path: Path) -> Path:
    rows = [
        {"id": "t1", "lang": "zh", "question": "Qwen 是谁开发的？", "answerable": True, "relation": "developedBy", "answers": ["Alibaba"]},
        {"id": "t2", "lang": "en", "question": "Which article did 梁磊 write?", "answerable": True, "relation": "authorOf", "answers": ["A12"]},
        {"id": "t3", "lang": "en", "question": "Where does 梁磊 work?", "answerable": True, "relation": "affiliatedWith",
         "answers": ["蚂蚁集团", "OpenKG"]},  # the mini graph lacks OpenKG: not fully right
        {"id": "t4", "lang": "zh", "question": "Kimi 是哪家公司出品的？", "answerable": False, "relation": "developedBy", "answers": []},
        {"id": "t5", "lang": "en", "question": "Which model did 阿里巴巴 release?", "answerable": False, "answers": []},  # answered: a miss
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_questions(tmp_path):
    report = evaluate_questions(write_questions(tmp_path / "q.jsonl"), MINI)
    assert (report.answerable, report.unanswerable) == (3, 2)
    assert report.fully_right == 2 and report.accuracy == pytest.approx(2 / 3)
    assert report.printed == 4 and report.printed_correct == 3 and report.precision == pytest.approx(0.75)
    assert report.declined_unanswerable == 1 and report.declined_share == pytest.approx(0.5)


def test_eval_command_with_questions(tmp_path):
    file = write_questions(tmp_path / "q.jsonl")
    done = run_cli("eval", "--questions", str(file), str(MINI), "--json", cache=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["accuracy"], data["precision"], data["declined_share"]) == (round(2 / 3, 4), 0.75, 0.5)
    table = run_cli("eval", "--questions", str(file), str(MINI), "--show", "5", cache=tmp_path)
    assert "accuracy" in table.stdout and "t3 Where does 梁磊 work?" in table.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    refused = run_cli("eval", "--questions", str(bad), str(MINI), cache=tmp_path)
    assert refused.returncode == 2 and "bad.jsonl:1: not JSON" in refused.stderr
    neither = run_cli("eval", str(MINI), cache=tmp_path)
    assert neither.returncode == 2 and "--questions" in neither.stderr


QUESTION_SETS = {  # (accuracy, precision, declined share) floors; measured figures are in the report
    "questions.jsonl": (0.85, 0.95, 0.96),  # issue #12 (0.85, 0.95, 0.90), met at 91/107 and 172/181: by one question and one answer
    "questions-holdout.jsonl": (0.55, 0.85, 0.80),
}


@pytest.mark.parametrize("name", sorted(QUESTION_SETS))
def test_figures_on_the_question_sets(name):
    path = REPO / "annotations" / name
    assert path.is_file(), f"{path} is missing"
    report = evaluate_questions(path, COMMITTED)
    accuracy, precision, declined = QUESTION_SETS[name]
    assert report.accuracy >= accuracy and report.precision >= precision and report.declined_share >= declined, (
        report.accuracy, report.precision, report.declined_share)


# -- the serve page ----------------------------------------------------------------------------


FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # the network is off: only loopback resolves
)
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Content Security Policy")


def test_serve_ask_endpoint(tmp_path):
    with running_server(MINI, tmp_path / "cache") as server:
        url = server.url + "ask?q=" + urllib.parse.quote("Who developed KAG?")
        with urllib.request.urlopen(url, timeout=30) as response:
            data = json.loads(response.read())
            assert response.headers["Content-Type"].startswith("application/json")
        assert [a["label"] for a in data["answers"]] == ["蚂蚁集团"] and data["answers"][0]["evidence"][0]["article"] == "A12"
        hostile = server.url + "ask?q=" + urllib.parse.quote("<script>alert(1)</script> Who developed KAG?")
        with urllib.request.urlopen(hostile, timeout=30) as response:
            assert [a["label"] for a in json.loads(response.read())["answers"]] == ["蚂蚁集团"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "ask", timeout=30)
        assert refused.value.code == 400
        with urllib.request.urlopen(server.url + "yasgui/LICENSE", timeout=30) as response:
            assert b"MIT License" in response.read()
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(server.url + "yasgui/..%2F..%2Fserve.py", timeout=30)
        assert outside.value.code == 404


def test_serve_page_in_chromium_yasgui_and_question_box(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is required (scripts/ci-browser-deps.sh)"
    question = "Who developed KAG?<img src=x onerror=document.title='pwned'>"
    with running_server(MINI, tmp_path / "cache") as server:
        page = server.url + "?run=1&ask=" + urllib.parse.quote(question)
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=10000", "--window-size=1400,900", "--dump-dom", page],
            capture_output=True, text=True, timeout=180,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert [line for line in done.stderr.splitlines() if CONSOLE.search(line)] == []
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-ask-done="1"' in body and 'data-yasr-drawn="' in body
    # the question box: the answer with its evidence sentence and article
    answers = dom[dom.index('id="answers"'):]
    assert "蚂蚁集团" in answers and "[A12]" in answers and "OpenSPG/KAG" in answers
    # YASGUI ran the default query against /sparql and drew the result table
    results = dom[dom.index("yasr_results"):]
    assert "dataTable" in results and "aikg:Model" in results
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "<img src=x" not in dom.replace("&lt;img src=x", "")

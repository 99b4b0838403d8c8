"""`aikg explore`: search and browse a built graph from the terminal, or in an interactive shell.

Thin wrappers: aikg.explore computes, this module prints rich tables. Every value
from the graph is printed as plain ``rich.text.Text`` (never parsed as markup).
"""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app

explore_app = typer.Typer(
    name="explore",
    help="Explore a built graph: search, show, neighbors, path, top, communities, article. "
    "Without a command: an interactive shell running the same commands.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
)
app.add_typer(explore_app, name="explore")

GRAPH_HELP = "Folder holding graph.ttl (default: the committed build, extracted/)."


def _graph_option():
    return typer.Option(None, "--graph", "-g", help=GRAPH_HELP, show_default=False)


def _kg(ctx: typer.Context, graph: Path | None):
    from aikg import explore

    chosen = graph or ((ctx.obj or {}).get("graph") if ctx is not None else None)
    return explore.load(chosen)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _t(value) -> object:
    from rich.text import Text

    from aikg.query import terminal_safe

    return Text("" if value is None else terminal_safe(str(value)))


def _table(*columns: str, title: str | None = None):
    from rich import box
    from rich.table import Table

    table = Table(title=_t(title) if title else None, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


@explore_app.callback()
def _explore(
    ctx: typer.Context,
    graph: Path = typer.Option(None, "--graph", "-g", help=GRAPH_HELP, show_default=False),
) -> None:
    """Explore a built graph: search, show, neighbors, path, top, communities, article.

    Without a command, starts an interactive shell (history, tab completion of
    commands and entity names; `help`, `quit`).
    """
    ctx.obj = {"graph": graph}
    if ctx.invoked_subcommand is None:
        run_shell(ctx.command, graph)


@explore_app.command("search")
def search_cmd(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="Part of a name or alias, Chinese or English (case-insensitive)."),
    entity_type: str = typer.Option(None, "--type", "-t", help="Only this type: Model, Organization, Person, Tool, Technology."),
    limit: int = typer.Option(20, "--limit", "-n", help="At most this many results."),
    graph: Path = _graph_option(),
) -> None:
    """Find entities by label or alias (partial, case-insensitive, NFKC), best match first."""
    from aikg import explore
    from aikg.errors import AikgError

    kg = _kg(ctx, graph)
    hits = explore.search(kg, text, entity_type=entity_type, limit=limit)
    if not hits:
        close = explore.suggestions(kg, text)
        hint = f"; closest: {'; '.join(explore.describe(kg, e) for e in close)}" if close else ""
        raise AikgError(f"no entity matches {text!r}{hint}")
    table = _table("name", "type", "mentions", "matched", "id")
    for hit in hits:
        table.add_row(_t(hit.label), _t(hit.type), _t(hit.mentions), _t(f"{hit.matched} ({hit.how})"), _t(hit.entity))
    _console().print(table)


@explore_app.command("show")
def show_cmd(
    ctx: typer.Context,
    entity: str = typer.Argument(..., help="Entity name, alias or id."),
    graph: Path = _graph_option(),
) -> None:
    """Everything about one entity: type, aliases, Wikidata id, facts in and out with evidence, its numbers and dates, articles."""
    from aikg import explore

    view = explore.show(_kg(ctx, graph), entity)
    console = _console()
    console.print(_t(f"{view.label}  [{view.type}]  id {view.id}"), style="bold")
    details = [
        ("aliases", ", ".join(view.aliases) or "-"),
        ("also read as", ", ".join(view.alt_types) or "-"),
        ("wikidata", view.wikidata or "-"),
        ("mentions", str(view.mentions)),
        ("degree", str(view.degree)),
        ("pagerank", f"{view.pagerank:.4f}"),
    ]
    for key, value in details:
        console.print(_t(f"  {key:<13}{value}"))
    rows = [*view.facts_out, *view.facts_in]
    if rows:
        table = _table("fact", "other", "article", "evidence", title=f"facts ({len(rows)})")
        for row in rows:
            arrow = f"{row.predicate} →" if row.direction == "out" else f"← {row.predicate}"
            table.add_row(_t(arrow), _t(f"{row.other_label} ({row.other_type})"), _t(row.article or "-"), _t(row.evidence or "-"))
        console.print(table)
    else:
        console.print(_t("  no facts"))
    if view.observations:
        table = _table("measure", "value", "when", "qualifier", "rank", "as written", "article", "evidence",
                       title=f"numbers and dates ({len(view.observations)})")
        for row in view.observations:
            rank = f"{row.rank} ({row.category})" if row.rank and row.category else (str(row.rank) if row.rank else "-")
            table.add_row(_t(row.measure_label), _t(row.shown_value()), _t(row.when or "-"), _t(row.qualifier or "-"), _t(rank),
                          _t(row.stated), _t(row.article), _t(" ".join(row.evidence.split())))
        console.print(table)
    if view.articles:
        table = _table("article", "title", title=f"mentioned in ({len(view.articles)})")
        for _, article_id, title in view.articles:
            table.add_row(_t(article_id), _t(title))
        console.print(table)


@explore_app.command("neighbors")
def neighbors_cmd(
    ctx: typer.Context,
    entity: str = typer.Argument(..., help="Entity name, alias or id."),
    depth: int = typer.Option(1, "--depth", "-d", help="Follow facts this many hops (either direction)."),
    node_type: str = typer.Option(None, "--type", "-t", help="Only list nodes of this type (Model, Organization, Person, Tool, Technology, Article)."),
    graph: Path = _graph_option(),
) -> None:
    """Entities linked to one entity by facts, up to --depth hops away."""
    from aikg import explore

    kg = _kg(ctx, graph)
    found = explore.neighbors(kg, entity, depth=depth, node_type=node_type)
    center = kg.entities[explore.resolve(kg, entity)].label
    table = _table("hops", "name", "type", "reached from", "by", title=f"neighbors of {center} ({len(found)})")
    for n in found:
        table.add_row(_t(n.distance), _t(n.label), _t(n.type), _t(n.via_label), _t(", ".join(n.predicates)))
    _console().print(table)


@explore_app.command("path")
def path_cmd(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Start entity (name, alias or id)."),
    target: str = typer.Argument(..., help="End entity (name, alias or id)."),
    graph: Path = _graph_option(),
) -> None:
    """The shortest chain of facts between two entities, each hop with its evidence."""
    from aikg import explore

    view = explore.path(_kg(ctx, graph), source, target)
    console = _console()
    hops = len(view.steps)
    console.print(_t(" → ".join(view.labels) + f"   ({hops} hop{'s' if hops != 1 else ''}, via {view.via})"), style="bold")
    if view.note:
        console.print(_t(f"note: {view.note}"), style="yellow")
    for number, step in enumerate(view.steps, 1):
        if step.facts:
            for row in step.facts:
                arrow = f"—{row.predicate}→" if row.direction == "out" else f"←{row.predicate}—"
                console.print(_t(f"{number}. {step.source_label} {arrow} {step.target_label}   [{row.article or '-'}]"))
                console.print(_t(f"     “{row.evidence or '-'}”"))
        else:
            console.print(_t(f"{number}. {step.source_label} ~ {step.target_label}   mentioned together in {', '.join(step.shared_articles)}"))


@explore_app.command("top")
def top_cmd(
    ctx: typer.Context,
    entity_type: str = typer.Option(None, "--type", "-t", help="Only this type: Model, Organization, Person, Tool, Technology."),
    by: str = typer.Option("degree", "--by", "-b", help="Rank by degree, pagerank, mentions or betweenness."),
    limit: int = typer.Option(10, "--limit", "-n", help="How many entities to list."),
    graph: Path = _graph_option(),
) -> None:
    """The most connected, most central or most mentioned entities."""
    from aikg import explore

    ranked = explore.top(_kg(ctx, graph), entity_type=entity_type, by=by, limit=limit)
    table = _table("#", "name", "type", "degree", "pagerank", "mentions", "id", title=f"top by {by}")
    for r in ranked:
        table.add_row(_t(r.rank), _t(r.label), _t(r.type), _t(r.degree), _t(f"{r.pagerank:.4f}"), _t(r.mentions), _t(r.entity))
    _console().print(table)


@explore_app.command("communities")
def communities_cmd(
    ctx: typer.Context,
    members: int = typer.Option(8, "--members", "-m", help="List this many top members of each group."),
    min_size: int = typer.Option(3, "--min-size", help="Hide groups smaller than this."),
    cooccurrence: bool = typer.Option(False, "--cooccurrence", help="Also link entities mentioned by the same article."),
    graph: Path = _graph_option(),
) -> None:
    """Groups of entities tied together by facts (Louvain, fixed seed), largest first."""
    from aikg import explore

    groups = explore.communities(_kg(ctx, graph), cooccurrence=cooccurrence, min_size=min_size)
    table = _table("#", "size", "types", "top members", title=f"communities ({len(groups)})")
    for group in groups:
        shown = ", ".join(label for _, label, _ in group.members[: max(1, members)])
        more = f" … +{group.size - members}" if group.size > members else ""
        types = ", ".join(f"{t} {n}" for t, n in group.types)
        table.add_row(_t(group.index), _t(group.size), _t(types), _t(shown + more))
    _console().print(table)


@explore_app.command("article")
def article_cmd(
    ctx: typer.Context,
    article_id: str = typer.Argument(..., metavar="ID", help="Article id (A01, P1, …) or its full key."),
    graph: Path = _graph_option(),
) -> None:
    """What one article contributes: title, authors, entities by type, facts."""
    from aikg import explore

    view = explore.article(_kg(ctx, graph), article_id)
    console = _console()
    console.print(_t(f"{view.id}  {view.title}"), style="bold")
    console.print(_t(f"  key      {view.key}"))
    console.print(_t(f"  source   {view.source} [{view.start}:{view.end}]"))
    console.print(_t(f"  authors  {', '.join(label for _, label in view.authors) or '-'}"))
    for entity_type, members in view.entities:
        console.print(_t(f"  {entity_type} ({len(members)}): " + ", ".join(label for _, label, _ in members)))
    if view.facts:
        table = _table("subject", "fact", "object", "evidence", title=f"facts ({len(view.facts)})")
        for fact in view.facts:
            table.add_row(_t(fact.subject_label), _t(fact.predicate), _t(fact.object_label), _t(fact.evidence or "-"))
        console.print(table)
    else:
        console.print(_t("  no facts"))


# -- the interactive shell ---------------------------------------------------------------------


def run_shell(group, graph: Path | None) -> None:
    """A cmd.Cmd loop over the explore commands (readline history and completion)."""
    import cmd
    import os
    import shlex
    import sys

    from aikg import explore
    from aikg.errors import AikgError

    kg = explore.load(graph)  # fail before the prompt when there is no graph
    commands = {name: command for name, command in sorted(group.commands.items())}
    names = explore.completions(kg)
    try:
        import readline
    except ImportError:  # pragma: no cover - no readline on this platform
        readline = None
    history = Path(os.environ.get("AIKG_HISTORY") or Path.home() / ".aikg_history")
    if readline is not None:
        readline.set_completer_delims(" \t\n\"'")
        try:
            readline.read_history_file(history)
        except OSError:
            pass
        readline.set_history_length(1000)

    def invoke(name: str, line: str) -> None:
        try:
            args = shlex.split(line)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return
        prefix = ["--graph", str(graph)] if graph is not None else []
        try:
            group.main(args=[*prefix, name, *args], prog_name="aikg explore", standalone_mode=False)
        except AikgError as err:
            print(f"error: {err}", file=sys.stderr)
        except (typer.Exit, typer.Abort):
            pass
        except typer.TyperException as err:  # usage errors (typer's bundled click)
            show = getattr(err, "show", None)
            if show is not None:
                show()
            else:
                print(f"error: {err}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()

    class Shell(cmd.Cmd):
        prompt = "aikg> "
        intro = (
            f"aikg explore: {len(kg.entities)} entities, {len(kg.facts)} facts, {len(kg.articles)} articles "
            f"from {kg.source}\ncommands: {', '.join(commands)}; `help COMMAND` for its options; `quit` to leave.\n"
            "Anything else is a question (aikg ask), e.g. 阿里巴巴发布了哪些模型？"
        )

        def emptyline(self) -> bool:
            return False

        def default(self, line: str) -> bool:
            """A line that is not a command is a question for `aikg ask`."""
            from aikg.ask import ask
            from aikg.cli.ask import decline_line, render_answer

            try:
                answer = ask(line, graph)
            except AikgError as err:
                print(f"error: {err}", file=sys.stderr)
                return False
            if answer.declined and not answer.reading:  # not read as a question either
                word = line.split()[0] if line.split() else line
                close = [c for c in commands if c.startswith(word)] or sorted(commands)
                print(f"unknown command {word!r}; commands: {', '.join(close)}, help, quit; as a question: {decline_line(answer)}",
                      file=sys.stderr)
            elif not answer.answers:
                print(f"no answer: {answer.declined or f'the graph states nothing for {answer.reading}'}", file=sys.stderr)
            else:
                render_answer(answer)
            sys.stdout.flush()
            sys.stderr.flush()
            return False

        def do_help(self, arg: str) -> bool:
            """help [COMMAND]: list the commands, or show one command's options."""
            arg = arg.strip()
            if arg in commands:
                invoke(arg, "--help")
            elif arg in ("quit", "exit", "help"):
                print(getattr(self, f"do_{arg}").__doc__)
            else:
                width = max(len(n) for n in commands)
                for name, command in commands.items():
                    print(f"  {name:<{width}}  {command.get_short_help_str(limit=90)}")
                print(f"  {'help':<{width}}  help COMMAND shows its options")
                print(f"  {'quit':<{width}}  leave the shell (also exit, Ctrl-D)")
            return False

        def do_quit(self, arg: str) -> bool:
            """quit: leave the shell."""
            return True

        do_exit = do_quit

        def do_EOF(self, arg: str) -> bool:  # noqa: N802 - cmd.Cmd's name for Ctrl-D
            print()
            return True

        def completenames(self, text, *ignored):
            return [n + " " for n in (*commands, "help", "quit") if n.startswith(text)]

        def complete_help(self, text, line, begidx, endidx):
            return [n for n in commands if n.startswith(text)]

        def completedefault(self, text, line, begidx, endidx):
            if text.startswith("-"):
                command = commands.get(line.split()[0]) if line.split() else None
                options = [o for p in (command.params if command else []) for o in getattr(p, "opts", []) if o.startswith("--")]
                return [o for o in options if o.startswith(text)]
            folded = text.casefold()
            return [n for n in names if n.casefold().startswith(folded)][:200]

    for name in commands:
        def runner(self, line: str, _name: str = name) -> bool:
            invoke(_name, line)
            return False

        runner.__doc__ = commands[name].get_short_help_str(limit=90)
        setattr(Shell, f"do_{name}", runner)

    shell = Shell()
    try:
        while True:
            try:
                shell.cmdloop()
                break
            except KeyboardInterrupt:
                print("^C")
                shell.intro = None
    finally:
        if readline is not None:
            try:
                readline.write_history_file(history)
            except OSError:
                pass

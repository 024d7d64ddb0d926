"""The ``kgqa`` command. Each command is a thin shell over the Python API (kgqa.api.KGQA).

Exit codes: 0 success; 1 some documents failed (the rest were ingested); 2 bad input or
configuration (a KGQAError, message on stderr); 130 interrupted.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kgqa.errors import KGQAError
from kgqa.evaluation.datasets import DATASETS
from kgqa.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Knowledge-graph question answering with citations.")
neo4j_app = typer.Typer(
    no_args_is_help=True, help="A local Neo4j 5.26 for development (no Docker)."
)
app.add_typer(neo4j_app, name="neo4j")

out = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Local data directory (KGQA_DATA_DIR).")
]


def _settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir else Settings()


@contextmanager
def _kgqa(data_dir: Path | None, settings: Settings | None = None) -> Iterator[Any]:
    from kgqa.api import KGQA

    try:
        kg = KGQA.open(settings or _settings(data_dir))
    except KGQAError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    try:
        yield kg
    except KGQAError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    except KeyboardInterrupt:
        err.print("interrupted; rerun the same command to resume")
        raise typer.Exit(130) from None
    finally:
        kg.close()


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]ingest[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[docs]} docs ({task.fields[rate]:.1f}/s)"),
        TextColumn(
            "{task.fields[chunks]} chunks, {task.fields[entities]} entities, "
            "{task.fields[relations]} relations"
        ),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )


def _report(report: Any, as_json: bool) -> None:
    data = report.as_dict()
    if as_json:
        out.print_json(json.dumps(data))
    else:
        table = Table(title="ingest summary", show_header=False)
        for key, value in data.items():
            if key != "problems":
                table.add_row(key.replace("_", " "), str(value))
        out.print(table)
        for problem in report.problems[:50]:
            err.print(f"[yellow]problem:[/yellow] {problem}")
        if len(report.problems) > 50:
            err.print(f"... and {len(report.problems) - 50} more problems")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    include: Annotated[
        list[str], typer.Option(help="Glob of files to take from directories.")
    ] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option(help="Glob of files to skip.")] = [],  # noqa: B006
    text_field: Annotated[str | None, typer.Option(help="JSONL text field.")] = None,
    id_field: Annotated[str | None, typer.Option(help="JSONL id field.")] = None,
    title_field: Annotated[str | None, typer.Option(help="JSONL title field.")] = None,
    stdin_format: Annotated[str, typer.Option("--format", help="stdin: text or jsonl.")] = "text",
    encoding_errors: Annotated[str, typer.Option(help="strict or replace.")] = "strict",
    strict: Annotated[bool, typer.Option(help="Stop at the first bad document.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes for NER, parsing and embedding (default: ingest.workers)."
        ),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(help="Run those stages as a Ray Data job: a cluster address, or 'local'."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Ingest documents: chunk, extract entities and relations, index. Reruns resume."""
    from ingest.load import LoadOptions

    settings = _settings(data_dir)
    overrides = {k: v for k, v in (("workers", workers), ("ray_address", ray)) if v is not None}
    if overrides:
        ingest_settings = settings.ingest.model_copy(update=overrides)
        settings = settings.model_copy(update={"ingest": ingest_settings})
    defaults = LoadOptions()
    options = LoadOptions(
        text_field=text_field or settings.ingest.jsonl_text_field,
        id_field=id_field or settings.ingest.jsonl_id_field,
        title_field=title_field or settings.ingest.jsonl_title_field,
        include=tuple(include) or defaults.include,
        exclude=tuple(exclude),
        stdin_format="jsonl" if stdin_format == "jsonl" else "text",
        on_error="raise" if strict else "skip",
        encoding_errors="replace" if encoding_errors == "replace" else "strict",
        max_bytes=settings.ingest.max_document_bytes,
    )
    with _kgqa(data_dir, settings) as kg, _progress() as progress:
        task = progress.add_task(
            "ingest", total=None, docs=0, rate=0.0, chunks=0, entities=0, relations=0
        )

        def update(report: Any) -> None:
            done = report.documents_written + report.documents_unchanged
            progress.update(
                task,
                docs=done,
                rate=done / report.seconds if report.seconds else 0.0,
                chunks=report.chunks,
                entities=report.entities,
                relations=report.relations,
            )

        report = kg.ingest(paths, options, on_progress=update)
    _report(report, as_json)
    if report.documents_failed:
        raise typer.Exit(1)


@app.command("ingest-triples")
def ingest_triples(
    files: Annotated[list[Path], typer.Argument(help="TSV, CSV or pipe-separated triples.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Import a knowledge base of (subject, relation, object) lines."""
    with _kgqa(data_dir) as kg:
        report = kg.ingest_triples(files)
    _report(report, as_json)
    if report.problems:
        raise typer.Exit(1)


@app.command("learn-relations")
def learn_relations(
    file: Annotated[
        Path,
        typer.Argument(
            help="Question-answer pairs: 'question with [topic]<TAB>answer|answer' or JSON "
            'lines {"question", "topic", "answers"}.'
        ),
    ],
    max_hops: Annotated[int, typer.Option(help="Longest relation path to learn.")] = 3,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Learn which KB relation paths questions ask for, from question-answer pairs over the
    imported triples; KB answers use the examples from then on."""
    progress = Progress(
        TextColumn("[bold]learn[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} pairs"),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    with _kgqa(data_dir) as kg, progress:
        task = progress.add_task("learn", total=None)
        report = kg.learn_relations(
            file, max_hops, lambda done, total: progress.update(task, completed=done, total=total)
        )
    data = report.as_dict()
    if as_json:
        out.print_json(json.dumps(data))
    else:
        table = Table(title="relation examples", show_header=False)
        for key, value in data.items():
            table.add_row(key.replace("_", " "), str(value))
        out.print(table)
    if not report.learned:
        err.print("[yellow]no example learned:[/yellow] are the triples imported?")
        raise typer.Exit(1)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json")] = False, data_dir: DataDir = None
) -> None:
    """Counts of documents, chunks, entities and relations."""
    with _kgqa(data_dir) as kg:
        counts = kg.stats()
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table(show_header=False)
    for key, value in counts.items():
        table.add_row(key, json.dumps(value) if isinstance(value, dict) else str(value))
    out.print(table)


@app.command()
def delete(
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids.")],
    data_dir: DataDir = None,
) -> None:
    """Delete documents and whatever only they supported."""
    with _kgqa(data_dir) as kg:
        removed = kg.delete_documents(doc_ids)
    out.print(
        f"deleted {len(removed.documents)} documents, {len(removed.chunks)} chunks, "
        f"{len(removed.entities)} entities"
    )
    if len(removed.documents) < len(set(doc_ids)):
        missing = sorted(set(doc_ids) - set(removed.documents))
        err.print(f"[yellow]not found:[/yellow] {', '.join(missing)}")
        raise typer.Exit(1)


def _print_answer(response: Any) -> None:
    style = "yellow" if response.abstained else "green"
    short = getattr(response, "short", "")  # the short answer, then its cited explanation
    if short:
        out.print(f"[bold {style}]{short}[/bold {style}]")
    weight = style if short else f"bold {style}"
    out.print(f"[{weight}]{response.answer}[/{weight}]")
    for c in response.citations:
        span = f"{c.start}-{c.end}" if c.kind == "passage" else c.kind
        out.print(f"  [{c.n}] [bold]{c.title}[/bold] ({c.doc_id} {span}): {c.text[:160]}")
    if response.abstained and response.passages:
        out.print("[dim]closest evidence:[/dim]")
        for p in response.passages[:3]:
            out.print(f"  - {p.title}: {p.text[:160]}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    top_k: Annotated[int | None, typer.Option(help="Passages to use.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the /v1/ask object.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Answer a question from the ingested documents, with citations."""
    from kgqa.service.schemas import ask_response

    with _kgqa(data_dir) as kg:
        response = ask_response(kg.ask(question, top_k=top_k))
    if as_json:
        print(response.model_dump_json(indent=2))
    else:
        _print_answer(response)


@app.command()
def chat(data_dir: DataDir = None) -> None:
    """Interactive multi-turn questions (empty line or Ctrl-D to quit)."""
    from kgqa.service.schemas import ask_response

    with _kgqa(data_dir) as kg:
        conversation = kg.conversation()
        while True:
            try:
                question = input("you> ").strip()
            except EOFError:
                break
            if not question:
                break
            try:
                _print_answer(ask_response(conversation.ask(question)))
            except KGQAError as e:
                err.print(f"[red]error:[/red] {e}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    data_dir: DataDir = None,
) -> None:
    """Run the HTTP API (and the web page at /)."""
    import uvicorn

    from kgqa.service.app import create_app

    settings = _settings(data_dir)
    uvicorn.run(
        create_app(settings),
        host=host or settings.service.host,
        port=port or settings.service.port,
        log_level="info",
    )


@neo4j_app.command("start")
def neo4j_start(
    home: Annotated[Path, typer.Option(help="Neo4j data directory.")] = Path("kgqa-data/neo4j"),
    port: Annotated[int, typer.Option()] = 7687,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="KGQA_GRAPH__PASSWORD",
            help="The neo4j user's password (8+ characters). Default: the one in HOME/password, "
            "generated there on first start.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start Neo4j 5.26 in the background (builds the launcher with Maven once)."""
    from kgqa.graph.neo4j_server import Neo4jServer

    running = Neo4jServer(home=home, port=port)
    if running.is_running():
        out.print(f"already running (pid file {running.pid_path})")
        return
    password_file = home / "password"
    stored = password is None
    if password is None:
        password = _stored_password(password_file)
    server = Neo4jServer(home=home, port=port, password=password)
    try:
        uri = server.start()
    except KGQAError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    server.detach()
    # The password itself is never printed: it would land in terminal scrollback and CI logs.
    secret = (
        f'KGQA_GRAPH__PASSWORD="$(cat {password_file})"'
        if stored
        else "KGQA_GRAPH__PASSWORD=<the password you gave>"
    )
    out.print(
        f"Neo4j ready at {uri}\n  export KGQA_GRAPH__BACKEND=neo4j KGQA_GRAPH__URI={uri} {secret}"
    )


def _stored_password(path: Path) -> str:
    """The password kept in ``path``; a new random one, written there (mode 600), if none."""
    import secrets

    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    return password


@neo4j_app.command("stop")
def neo4j_stop(home: Annotated[Path, typer.Option()] = Path("kgqa-data/neo4j")) -> None:
    """Stop the Neo4j started by `kgqa neo4j start`."""
    from kgqa.graph.neo4j_server import Neo4jServer

    server = Neo4jServer(home=home)
    if not server.is_running():
        out.print("not running")
        return
    server.stop()
    out.print("stopped")


@neo4j_app.command("status")
def neo4j_status(home: Annotated[Path, typer.Option()] = Path("kgqa-data/neo4j")) -> None:
    from kgqa.graph.neo4j_server import Neo4jServer

    running = Neo4jServer(home=home).is_running()
    out.print("running" if running else "not running")
    if not running:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    dataset: Annotated[
        str,
        typer.Argument(
            help=f"{', '.join(DATASETS)}, or facts (2Wiki's typed facts against its "
            "evidence triples)."
        ),
    ],
    sample: Annotated[int | None, typer.Option(help="Evaluate N sampled questions.")] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="The shared data folder.")] = Path(
        "../shared/data"
    ),
    store: Annotated[
        Path | None, typer.Option(help="Keep (and reuse) the stores here; default: a temp dir.")
    ] = None,
    files: Annotated[
        list[str], typer.Option("--file", help="PathQuestion file(s), e.g. PQ-2H.")
    ] = [],  # noqa: B006
    answers: Annotated[bool, typer.Option(help="Also read answers (EM/F1) with the LLM.")] = True,
    learn: Annotated[
        bool,
        typer.Option(help="Learn relation examples from the data set's dev questions (MetaQA)."),
    ] = True,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the report here.")] = None,
    labels: Annotated[
        Path | None, typer.Option(help="facts: labelled relations for precision (JSON lines).")
    ] = None,
) -> None:
    """Ingest a data set into a fresh store, ask every question with the full system and the
    dense-only baseline, print a table and optionally write the JSON report. ``facts`` instead
    scores the store's typed facts against 2Wiki's evidence triples (kgqa.evaluation.facts)."""
    if dataset == "facts":
        _eval_facts(data_dir, sample, seed, store, labels, json_path)
        return
    from kgqa.evaluation.report import print_report
    from kgqa.evaluation.runner import evaluate as run

    progress = Progress(
        TextColumn("[bold]{task.description}[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} questions"),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def on_progress(split: str, done: int, total: int) -> None:
        if split not in tasks:
            tasks[split] = progress.add_task(split, total=total)
        progress.update(tasks[split], completed=done)

    try:
        with progress:
            report = run(
                dataset,
                data_dir,
                sample=sample,
                seed=seed,
                store_dir=store,
                answers=answers,
                files=files or None,
                progress=on_progress,
                learn=learn,
            )
    except KGQAError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    print_report(report, out)
    _write_report(report, json_path)


def _eval_facts(
    data_dir: Path,
    sample: int | None,
    seed: int,
    store: Path | None,
    labels: Path | None,
    json_path: Path | None,
) -> None:
    from kgqa.evaluation.facts import DEFAULT_LABELS, evaluate_facts, print_facts_report

    if labels is None and DEFAULT_LABELS.exists():
        labels = DEFAULT_LABELS
    try:
        report = evaluate_facts(data_dir, sample, seed, store, labels)
    except KGQAError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    print_facts_report(report, out)
    _write_report(report, json_path)


def _write_report(report: dict, json_path: Path | None) -> None:
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        err.print(f"report written to {json_path}")


if __name__ == "__main__":
    sys.exit(app())

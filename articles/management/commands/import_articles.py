"""Import raw scraped article files (or folders of them) into the archive.

Each file is decoded, parsed and tagged (in ``--workers`` processes), then written in
batches. Re-importing the same content changes nothing. A file or path that cannot be
imported gets a one-line error naming it; the others still go in, and the command exits
non-zero. The report (text or JSON) is built by ``articles.importing.report``.
"""

import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import batched
from multiprocessing import get_context

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from articles import auditing
from articles.importing import report
from articles.importing.decode import MB
from articles.importing.paths import InputFile, iter_inputs, read_input
from articles.importing.prepare import Prepared, prepare
from articles.imports import articles_import
from articles.models import Article
from articles.services import theme_matcher, vocabulary_load
from articles.tagging import ThemeMatcher

BATCH_SIZE = 500
# Files parsed ahead of the writer, per worker: enough to keep the workers busy, bounded so
# memory does not grow with the number of files.
WINDOW_PER_WORKER = 64

_worker_themes: ThemeMatcher | None = None


def _init_worker(themes: ThemeMatcher):
    global _worker_themes
    _worker_themes = themes


def _prepare_file(job: tuple[InputFile, int | None]) -> Prepared:
    """Read and prepare one file (in a worker process, or in this one)."""
    item, max_bytes = job
    try:
        data = read_input(item, max_bytes)
    except Exception as exc:  # ImportFailure, or anything reading it raised
        return Prepared(source_file=item.path, error=str(exc))
    try:
        return prepare(data, item.path, themes=_worker_themes, max_bytes=max_bytes)
    except Exception as exc:  # One broken file must not stop the others.
        return Prepared(
            source_file=item.path, error=f"unexpected error: {exc.__class__.__name__}: {exc}"
        )


# What the workers run (a module attribute, so a test can stand in for it).
POOL_FUNCTION = _prepare_file


def _in_order(pool, jobs, *, window: int):
    """Yield each job's result in the order of the jobs, with at most ``window`` in flight.

    A worker that dies (killed for memory, say) fails the files it had, not the command.
    """
    pending: deque = deque()
    jobs = iter(jobs)
    broken = False
    for job in jobs:
        future = None
        if not broken:
            try:
                future = pool.submit(POOL_FUNCTION, job)
            except BrokenProcessPool:
                broken = True
        pending.append((job, future))
        if len(pending) >= window:
            result, broken = _result_of(*pending.popleft(), broken)
            yield result
    while pending:
        result, broken = _result_of(*pending.popleft(), broken)
        yield result


def _result_of(job, future, broken) -> tuple[Prepared, bool]:
    item = job[0]
    if future is None:
        error = "not parsed: a worker process died; import it again"
        return Prepared(source_file=item.path, error=error), True
    try:
        return future.result(), broken
    except BrokenProcessPool:
        # The pool fails every file in flight, not only the one that killed its worker.
        error = (
            "a worker process died while parsing it or a file beside it (out of memory?); "
            "import it again"
        )
        return Prepared(source_file=item.path, error=error), True


class Command(BaseCommand):
    help = "Import raw article text files: import_articles FILE_OR_DIR..."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--status",
            choices=[s.value for s in Article.Status],
            default=Article.Status.REVIEW,
            help="Status of the new articles (default: review).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and tag; save nothing.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="json: one JSON object per input file per line (with each tag's evidence).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes that parse and tag in parallel (default 1: this process).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Files written per transaction (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--max-size",
            type=float,
            default=settings.IMPORT_MAX_MB,
            metavar="MB",
            help=f"Refuse files larger than this many MB (default {settings.IMPORT_MAX_MB}).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even on a terminal."
        )

    def handle(self, *args, paths, status, dry_run, format, workers, batch_size, **options):
        if workers < 1 or batch_size < 1:
            raise CommandError("--workers and --batch-size must be at least 1")
        max_bytes = int(options["max_size"] * MB) if options["max_size"] > 0 else None
        started = time.monotonic()
        try:
            if not dry_run:
                vocabulary_load()
            themes = theme_matcher()
        except DatabaseError as exc:
            raise CommandError(f"cannot read the vocabulary from the database: {exc}") from exc
        items = list(iter_inputs(paths))
        counts = dict.fromkeys(report.ACTIONS, 0)
        progress = self._progress(len(items), format, options)
        for results in self._results(
            items, themes, max_bytes, workers, batch_size, status, dry_run
        ):
            for result in results:
                counts[result.action] += 1
                self._write(result, format, options["verbosity"])
            if progress is not None:
                progress.update(len(results))
        if progress is not None:
            progress.close()
        seconds = time.monotonic() - started
        if not dry_run:
            # One entry for the run (each created article has its own, from the importer).
            auditing.record(
                "import_run",
                via="command",
                target_type="import",
                target_repr=", ".join(str(p) for p in paths)[:300],
                detail={**counts, "files": len(items), "status": status, "seconds": seconds},
            )
        if format == "text" and options["verbosity"] >= 1:
            line = report.summary(counts, len(items), seconds)
            style = self.style.ERROR if counts["failed"] else self.style.SUCCESS
            self.stdout.write(style(line))
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} of {len(items)} file(s) could not be imported", returncode=1
            )

    def _results(self, items, themes, max_bytes, workers, batch_size, status, dry_run):
        """Yield the results of each batch, in the order of the inputs."""
        _init_worker(themes)
        jobs = [(item, max_bytes) for item in items]
        if workers == 1 or len(jobs) < 2:
            prepared = map(_prepare_file, jobs)
            for batch in batched(prepared, batch_size):
                yield self._save(list(batch), status, dry_run)
            return
        connections.close_all()  # the workers must not share this process's connection
        context = get_context("fork") if sys.platform != "win32" else get_context()
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(themes,)
        ) as pool:
            prepared = _in_order(pool, jobs, window=WINDOW_PER_WORKER * workers)
            for batch in batched(prepared, batch_size):
                yield self._save(list(batch), status, dry_run)

    def _save(self, batch: list[Prepared], status, dry_run):
        try:
            return articles_import(batch, status=status, dry_run=dry_run)
        except DatabaseError as exc:  # the database refused the batch: report, go on
            results = articles_import(batch, status=status, dry_run=True)
            for result in results:
                if result.action != "failed":
                    result.action, result.error = "failed", f"database error: {exc}"
            return results

    def _write(self, result, format, verbosity):
        if format == "json":
            self.stdout.write(report.json_line(result))
        elif result.action == "failed":
            self.stderr.write(self.style.ERROR(report.text_line(result)))
        elif verbosity >= 1:
            line = report.text_line(result)
            if result.action == "created":
                line = self.style.SUCCESS(line)
            elif result.action == "exists":
                line = self.style.WARNING(line)
            self.stdout.write(line)

    def _progress(self, total, format, options):
        """Return a progress bar on stderr when it is a terminal, else None."""
        if options["no_progress"] or not sys.stderr.isatty() or total < 2:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="file", file=sys.stderr, leave=False)

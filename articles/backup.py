"""Back up and restore the whole archive, and fingerprint it.

A backup is one gzip-compressed JSON Lines file:

- line 1, a header: the format, when and from which database it was made, and the
  migrations that database had applied;
- then one line per row, in Django's serialization (``{"model", "pk", "fields"}``): every
  model of every installed app, each model after the models it refers to, rows in primary
  key order, primary keys kept (tag ids are stored in redirects, rejected tags, revisions
  and the audit log);
- last, a trailer: the number of rows of each model and the archive's fingerprint.

Content types and permissions are made by ``migrate`` in every database, each with its own
ids: they are not copied, and rows refer to them by natural key (``["articles",
"article"]``, ``["publish_article", "articles", "article"]``). Sessions and login lockouts
are not copied.

The fingerprint is a SHA-256 over every row of every copied model as it is written here, so
the same archive gives the same fingerprint on SQLite and on PostgreSQL: a restore computes
it again from the restored rows and refuses (rolls back) when it differs.

Both directions stream: a backup reads each table in chunks and writes line by line, a
restore reads line by line and inserts in batches; memory does not grow with the archive.
"""

import datetime
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.core.serializers import base as serializer_base
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer
from django.db import DEFAULT_DB_ALIAS, connections, models, reset_queries, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.encoding import is_protected_type

FORMAT = "asean-archive-backup"
VERSION = 1

# Made by `migrate` in every database with their own ids: referred to by natural key.
BY_NATURAL_KEY = ("contenttypes.contenttype", "auth.permission")
NOT_COPIED = BY_NATURAL_KEY
# Not part of the archive: logins in progress (emptied by a forced restore), and failed
# login attempts and lockouts (django-axes), which the audit log records anyway.
NOT_COPIED_APPS = ("sessions", "axes")

# Rows read per query when backing up, and inserted per statement when restoring.
READ_CHUNK = 2_000
INSERT_BATCH = 500


class BackupError(Exception):
    """The file is not a complete backup, or the database cannot take it."""


# -- what is copied -------------------------------------------------------------------------


def archive_models() -> list[type[models.Model]]:
    """Return the models a backup holds, each after the models it refers to (then by label).

    Every concrete model of every installed app but content types, permissions and sessions:
    a model added later is backed up without changing this module."""
    chosen = {
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in NOT_COPIED
        and model._meta.app_label not in NOT_COPIED_APPS
    }
    needs = {}
    for model in chosen:
        related = {f.related_model for f in model._meta.local_fields if f.is_relation}
        related |= {f.related_model for f in _copied_m2m(model)}
        needs[model] = {other for other in related if other in chosen and other is not model}
    ordered, done = [], set()
    while len(ordered) < len(chosen):
        ready = sorted(
            (m for m in chosen - done if needs[m] <= done), key=lambda m: m._meta.label_lower
        )
        if not ready:  # a cycle: constraints are checked at the end, so any order loads
            ready = sorted(chosen - done, key=lambda m: m._meta.label_lower)[:1]
        ordered.extend(ready)
        done.update(ready)
    return ordered


def _copied_m2m(model) -> list[models.ManyToManyField]:
    """Return the many-to-many fields stored in the row (those with Django's own table; an
    explicit through model, like the tagged items, is a model of its own)."""
    return [
        f
        for f in model._meta.local_many_to_many
        if f.serialize and f.remote_field.through._meta.auto_created
    ]


def _tables(models_: Iterable) -> list[str]:
    tables = []
    for model in models_:
        tables.append(model._meta.db_table)
        tables += [f.remote_field.through._meta.db_table for f in _copied_m2m(model)]
    return tables


# -- rows as data ---------------------------------------------------------------------------


class Encoder(DjangoJSONEncoder):
    """Django's JSON encoder without its loss: times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dumps(data) -> str:
    return json.dumps(data, cls=Encoder, ensure_ascii=False, separators=(",", ":"))


class NaturalKeys:
    """The natural keys of content types and permissions of one database, read once."""

    def __init__(self, using: str):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        self.keys = {
            "contenttypes.contenttype": {
                ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.using(using)
            },
        }
        self.keys["auth.permission"] = {
            pk: [codename, *self.keys["contenttypes.contenttype"][ct]]
            for pk, codename, ct in Permission.objects.using(using).values_list(
                "pk", "codename", "content_type_id"
            )
        }

    def of(self, model, pk):
        return self.keys[model._meta.label_lower][pk]


def dump_row(obj: models.Model, natural: NaturalKeys) -> dict:
    """Return ``obj`` as one backup line holds it (Django's serialization, natural keys for
    content types and permissions, generated columns left out: the database makes them)."""
    opts = obj._meta
    fields = {}
    for f in opts.local_fields:
        if not f.serialize or f.generated:
            continue
        if f.is_relation:
            value = getattr(obj, f.attname)
            if value is not None and f.related_model._meta.label_lower in BY_NATURAL_KEY:
                value = natural.of(f.related_model, value)
            fields[f.name] = value
        else:
            value = f.value_from_object(obj)
            fields[f.name] = value if is_protected_type(value) else f.value_to_string(obj)
    for f in _copied_m2m(obj.__class__):
        pks = [related.pk for related in getattr(obj, f.name).all()]
        if f.related_model._meta.label_lower in BY_NATURAL_KEY:
            fields[f.name] = sorted(natural.of(f.related_model, pk) for pk in pks)
        else:
            fields[f.name] = sorted(pks)
    pk = opts.pk.value_from_object(obj)
    return {
        "model": opts.label_lower,
        "pk": pk if is_protected_type(pk) else opts.pk.value_to_string(obj),
        "fields": fields,
    }


def iter_rows(model, using: str, natural: NaturalKeys) -> Iterator[dict]:
    """Yield every row of ``model`` as backup lines hold them, in primary key order, read in
    chunks (a server-side cursor on PostgreSQL)."""
    queryset = model._base_manager.using(using).order_by("pk")
    m2m = [f.name for f in _copied_m2m(model)]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    for obj in queryset.iterator(chunk_size=READ_CHUNK):
        yield dump_row(obj, natural)


# -- the fingerprint ------------------------------------------------------------------------


@dataclass
class Fingerprint:
    """A running SHA-256 per model over its rows (each as one canonical JSON line), and one
    over them all: equal fingerprints mean equal archives, whatever the database."""

    hashes: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)

    def add(self, row: dict) -> None:
        label = row["model"]
        if label not in self.hashes:
            self.hashes[label] = hashlib.sha256()
            self.rows[label] = 0
        line = json.dumps(row, cls=Encoder, ensure_ascii=False, sort_keys=True)
        self.hashes[label].update(line.encode() + b"\n")
        self.rows[label] += 1

    def per_model(self) -> dict[str, str]:
        return {label: h.hexdigest() for label, h in sorted(self.hashes.items())}

    def hexdigest(self) -> str:
        whole = hashlib.sha256()
        for label, digest in self.per_model().items():
            whole.update(f"{label} {self.rows[label]} {digest}\n".encode())
        return whole.hexdigest()


def fingerprint(using: str = DEFAULT_DB_ALIAS) -> Fingerprint:
    """Return the fingerprint of the archive in database ``using``: every row of every
    copied model, in primary key order, as a backup writes it."""
    print_ = Fingerprint()
    with consistent_read(using):
        natural = NaturalKeys(using)
        for model in archive_models():
            for row in iter_rows(model, using, natural):
                print_.add(row)
    return print_


@contextmanager
def consistent_read(using: str):
    """Read one state of the database throughout: a transaction, repeatable-read on
    PostgreSQL (whose statements each see their own state by default). Within a
    transaction already open, that transaction's state."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# -- backup ---------------------------------------------------------------------------------


def applied_migrations(using: str) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[using])
    applied = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


@dataclass
class Summary:
    rows: dict
    fingerprint: str
    path: Path | None = None
    fixed_counts: dict | None = None
    warnings: list = field(default_factory=list)


def backup(path, *, using: str = DEFAULT_DB_ALIAS, progress=None) -> Summary:
    """Write the whole archive of database ``using`` to ``path`` (gzip-compressed JSON
    Lines), from one consistent state of the database; return the rows and the fingerprint.

    Written to a temporary file renamed at the end: ``path`` is never a partial backup."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    print_ = Fingerprint()
    connection = connections[using]
    try:
        with consistent_read(using), gzip.open(partial, "wt", encoding="utf-8") as out:
            header = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now(),
                "engine": connection.vendor,
                "migrations": applied_migrations(using),
            }
            out.write(_dumps(header) + "\n")
            natural = NaturalKeys(using)
            for model in archive_models():
                for row in iter_rows(model, using, natural):
                    out.write(_dumps(row) + "\n")
                    print_.add(row)
                if progress:
                    progress(model._meta.label_lower, print_.rows.get(model._meta.label_lower, 0))
            trailer = {"end": FORMAT, "rows": print_.rows, "fingerprint": print_.hexdigest()}
            out.write(_dumps(trailer) + "\n")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(rows=print_.rows, fingerprint=print_.hexdigest(), path=path)


# -- reading a backup -----------------------------------------------------------------------


class BackupFile:
    """A backup file read line by line: ``header``, then ``rows()`` once, then ``trailer``."""

    def __init__(self, path):
        self.path = Path(path)
        with open(self.path, "rb") as probe:
            compressed = probe.read(2) == b"\x1f\x8b"
        opener = gzip.open if compressed else open
        self._file = opener(self.path, "rt", encoding="utf-8")
        self.trailer = None
        try:
            first = self._file.readline()
            self.header = json.loads(first) if first.strip() else None
        except ValueError:
            self.header = None
        if not isinstance(self.header, dict) or self.header.get("format") != FORMAT:
            self.close()
            raise BackupError(f"{self.path}: not an ASEAN Archive backup (no header line).")
        if self.header.get("version") != VERSION:
            self.close()
            raise BackupError(
                f"{self.path}: backup format version {self.header.get('version')}, "
                f"this code reads version {VERSION}."
            )

    def rows(self) -> Iterator[dict]:
        """Yield the rows; afterwards ``trailer`` is set, or BackupError is raised when the
        file ends without one (cut short) or holds anything after it."""
        try:
            yield from self._rows()
        except (EOFError, OSError, zlib.error, UnicodeDecodeError) as exc:
            raise BackupError(f"{self.path}: the file is damaged or cut short ({exc}).") from None
        if self.trailer is None:
            raise BackupError(f"{self.path}: the file ends without its end line: it is cut short.")

    def _rows(self) -> Iterator[dict]:
        for number, line in enumerate(self._file, start=2):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise BackupError(f"{self.path}: line {number} is not JSON ({exc}).") from None
            if self.trailer is not None:
                raise BackupError(f"{self.path}: line {number} comes after the end line.")
            if "end" in data:
                self.trailer = data
                continue
            yield data

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def verify_file(path) -> Summary:
    """Read a backup through and check it against its own trailer (no database touched):
    complete, every row counted, the fingerprint the one recorded."""
    print_ = Fingerprint()
    with BackupFile(path) as backup_file:
        for row in backup_file.rows():
            print_.add(row)
        trailer = backup_file.trailer
    _check_trailer(trailer, print_, what="the file's rows")
    return Summary(rows=print_.rows, fingerprint=print_.hexdigest(), path=Path(path))


def _check_trailer(trailer: dict, print_: Fingerprint, *, what: str) -> None:
    if trailer.get("rows") != print_.rows:
        raise BackupError(
            f"The rows of {what} ({print_.rows}) are not those the backup recorded "
            f"({trailer.get('rows')})."
        )
    if trailer.get("fingerprint") != print_.hexdigest():
        raise BackupError(
            f"The fingerprint of {what} ({print_.hexdigest()}) is not the backup's "
            f"({trailer.get('fingerprint')})."
        )


# -- restore --------------------------------------------------------------------------------


def nonempty_models(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the labels of the copied models that hold rows in database ``using``."""
    return [
        model._meta.label_lower
        for model in archive_models()
        if model._base_manager.using(using).exists()
    ]


def _check_migrations(header: dict, using: str) -> list[str]:
    """Refuse a database that lacks migrations the backup's had; return warnings for
    migrations it has beyond them."""
    ours = applied_migrations(using)
    theirs = header.get("migrations", {})
    copied = {m._meta.app_label for m in archive_models()}
    missing, newer = [], []
    for app in sorted(copied):
        have, had = set(ours.get(app, [])), set(theirs.get(app, []))
        missing += [f"{app}.{name}" for name in sorted(had - have)]
        newer += [f"{app}.{name}" for name in sorted(have - had)]
    if missing:
        raise BackupError(
            "This database lacks migrations the backed-up one had: "
            + ", ".join(missing)
            + ". Run `manage.py migrate` (with code at least as new as the backup's) first."
        )
    if newer:
        return [
            "This database has migrations the backed-up one had not ("
            + ", ".join(newer)
            + "): new columns were given their defaults, data migrations were not run on the "
            "restored rows. To be exact, restore into a database migrated only up to the "
            "backup's migrations (listed in its first line), then run `migrate`."
        ]
    return []


def _flush(using: str) -> None:
    """Empty every copied table and the sessions, in the current transaction."""
    connection = connections[using]
    sessions = [m for m in apps.get_models() if m._meta.app_label == "sessions"]
    tables = _tables(archive_models()) + _tables(sessions)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE is refused while foreign key checks of this transaction are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(model, objects: list, using: str) -> None:
    """Insert deserialized rows as they are: primary keys kept, no ``save()``, no signals,
    ``auto_now`` fields not touched (what ``loaddata``'s raw save does, in batches)."""
    if not objects:
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    instances = [item.object for item in objects]
    connection = connections[using]
    size = max(min(connection.ops.bulk_batch_size(fields, instances), INSERT_BATCH), 1)
    manager = model._base_manager.using(using)
    for start in range(0, len(instances), size):
        manager._insert(instances[start : start + size], fields=fields, using=using, raw=True)
    # With DEBUG on (manage.py's default settings) Django keeps the last 9,000 statements,
    # here each a batch of whole articles: gigabytes for a large archive.
    reset_queries()
    for f in _copied_m2m(model):
        through = f.remote_field.through
        source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
        links = [
            through(**{f"{source}_id": item.object.pk, f"{target}_id": pk})
            for item in objects
            for pk in item.m2m_data.get(f.name, [])
        ]
        through._base_manager.using(using).bulk_create(links, batch_size=INSERT_BATCH)


def _deserialize(rows: Iterator[dict], using: str) -> Iterator:
    try:
        yield from Deserializer(rows, using=using, handle_forward_references=False)
    except serializer_base.DeserializationError as exc:
        raise BackupError(f"A row cannot be read into this database: {exc}") from None


def _load(backup_file: BackupFile, using: str, progress=None) -> list:
    """Insert every row of the file, one model's rows in batches; return the models loaded."""
    loaded, batch, rows = [], [], 0

    def done(model):
        if progress:
            progress(model._meta.label_lower, rows)

    for item in _deserialize(backup_file.rows(), using):
        model = type(item.object)
        if loaded and (model is not loaded[-1] or len(batch) >= INSERT_BATCH):
            _insert(loaded[-1], batch, using)
            batch = []
            if model is not loaded[-1]:
                done(loaded[-1])
                rows = 0
        if not loaded or model is not loaded[-1]:
            loaded.append(model)
        batch.append(item)
        rows += 1
    if loaded:
        _insert(loaded[-1], batch, using)
        done(loaded[-1])
    return loaded


def _check_constraints(loaded: list, using: str) -> None:
    from django.db import IntegrityError

    try:
        connections[using].check_constraints(table_names=_tables(loaded))
    except IntegrityError as exc:
        raise BackupError(f"The restored rows refer to rows that are not there: {exc}") from None


def _reset_sequences(loaded: list, using: str) -> None:
    """Make the next id of each table follow the restored ones (PostgreSQL; SQLite's
    AUTOINCREMENT follows inserted ids by itself)."""
    connection = connections[using]
    throughs = [f.remote_field.through for model in loaded for f in _copied_m2m(model)]
    statements = connection.ops.sequence_reset_sql(no_style(), [*loaded, *throughs])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild_search_index(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make the SQLite search index hold exactly the articles' words: put back any missing
    table or trigger, empty the FTS5 tables, fill them from the stored columns.

    PostgreSQL's index columns are generated from the stored columns by the database itself."""
    from .search import schema

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    schema.ensure_index(using=using)
    tables = {"article_search": schema.SQLITE_FTS, "article_search_pairs": schema.SQLITE_PAIRS}
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table, statements in tables.items():
            if table not in present:
                continue
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
            cursor.execute(statements[-1])  # the fill from articles_article


def restore(
    path, *, using: str = DEFAULT_DB_ALIAS, replace: bool = False, progress=None
) -> Summary:
    """Restore the backup at ``path`` into database ``using``, in one transaction.

    Refused (BackupError, nothing written) when the database already holds archive rows,
    unless ``replace``; when it lacks migrations the backup had; when the file is cut short
    or damaged; when a row refers to a missing row; and when the restored archive's
    fingerprint is not the one the backup recorded. Afterwards the search index is rebuilt
    (SQLite) and the published counts are checked against the data and fixed if wrong."""
    from . import caching, counts, schedule

    connection = connections[using]
    with BackupFile(path) as backup_file:
        header = backup_file.header
        with transaction.atomic(using=using):
            warnings = _check_migrations(header, using)
            if replace:
                _flush(using)
            else:
                held = nonempty_models(using)
                if held:
                    raise BackupError(
                        "The database is not empty (rows in " + ", ".join(held) + "): restore "
                        "into a freshly migrated database, or replace its archive with --force."
                    )
            loaded = _load(backup_file, using, progress)
            _check_constraints(loaded, using)
            _reset_sequences(loaded, using)
            rebuild_search_index(using)
            restored = fingerprint(using)
            _check_trailer(backup_file.trailer, restored, what="the restored archive")
            fixed = None
            if using == DEFAULT_DB_ALIAS:
                # A backup older than the publication window has no "counted" column: each
                # article's is recomputed from its status and window before the recount.
                windows = schedule.reset_all()
                fixed = counts.recount_all()
                fixed = {name: rows for name, rows in fixed.items() if rows} or None
                if fixed or windows:
                    restored = fingerprint(using)
            caching.content_changed(using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics for the new rows
    return Summary(
        rows=restored.rows,
        fingerprint=restored.hexdigest(),
        path=Path(path),
        fixed_counts=fixed,
        warnings=warnings,
    )

"""Synthetic but realistic raw article files for the import benchmark (bench/importing.py).

Every generated file starts from one real scraped page (fixtures/seeds/*.txt and
fixtures/samples/*.txt) and keeps its layout: breadcrumbs, date line, headline, byline,
lead, photo captions printed twice, "Xem thêm" links, source lines, related-headline
lists. What varies:

- the headline carries a unique counter phrase ("Bản tin 1234: …"), and every copy of
  it in the page is changed alike, so each file is a distinct article with a distinct
  content hash and a distinct slug;
- the body paragraphs are shuffled and mixed with paragraphs (and paragraphs stitched
  from sentences) of the other pages, up to a target size (3–6 KB, 5% long: 8–16 KB);
- dates ("7/4", "11/07/2023", "11-11-2022") move by the same number of days within the
  page, inside their year; amounts ("87 triệu USD", "35%") change;
- URLs already in the page get a unique suffix; 40% of the pages get a unique
  "Nguồn: https://example-outlet.vn/…-<n>.html" line;
- a page without a full date in its header gets one, in a format real pages use, so
  every file can be imported as published.

Pure Python and deterministic: the same seed gives byte-identical files. No Django.
"""

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "fixtures" / "seeds", ROOT / "fixtures" / "samples"]

# Lines that open a related-headlines list or are page furniture (a subset of
# fixtures/importing/rules.json, used only to find where a page's body ends).
_STOP_HEADINGS = {
    "tin liên quan",
    "bài liên quan",
    "bài viết cùng chủ đề",
    "đọc thêm",
    "xem thêm",
    "tin khác",
    "tin cùng chuyên mục",
    "bình luận",
    "chia sẻ",
}
_FURNITURE_TITLES = {"back to e-magazine", "e magazine"}
_FULL_DATE = re.compile(r"\b\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*(?:19|20)\d{2}\b")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_URL = re.compile(r"https?://[^\s<>\"')]+")
# d/m or d/m/yyyy (not 280/290, not 5/2023), and dd-mm-yyyy.
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/((?:19|20)\d{2}))?(?![\d/])")
_DASH_DATE = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})-((?:19|20)\d{2})(?![\d-])")
_AMOUNT = re.compile(r"(?<![\d.,/])(\d{1,3}(?:,\d)?)(\s*(?:%|triệu|tỷ|nghìn|ngàn))")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ“\"])")
_HEADER_DATE_FORMATS = [
    "Thứ {weekday}, {dd}/{mm}/{yyyy} - {hh}:{mi}",
    "{dd}/{mm}/{yyyy} {hh}:{mi}",
    "{hh}:{mi} | {dd}/{mm}/{yyyy}",
    "{d}-{m}-{yyyy} - {hh}:{mi}",
    "{dd}/{mm}/{yyyy} {hh}:{mi} GMT+7",
    "Thứ {weekday}, {d}/{m}/{yyyy}, {hh}:{mi} (GMT+7)",
]
_WEEKDAYS = ["Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Bảy"]  # Monday..Sunday ("Chủ nhật")
_TITLE_PREFIXES = ["Bản tin {n}: ", "Điểm tin số {n}: ", "Tin {n}: ", "Ghi nhận {n} - "]
_TITLE_SUFFIXES = [" (kỳ {n})", " - bài {n}", " (bản tin {n})"]


@dataclass
class Template:
    name: str
    bom: bool
    header: list[str]  # everything up to and including the lead (title marked by index)
    title: str
    body: list[str]  # between the lead and the last body paragraph
    coda: list[str]  # bylines, sources, related lists, footer
    has_header_date: bool
    blank_separated: bool


def _is_paragraph(line: str) -> bool:
    return (
        len(line) >= 100
        and line.rstrip().endswith((".", "!", "?", "…", "”", '"', ")"))
        and "Ảnh" not in line
    )


def _is_title(line: str) -> bool:
    s = line.strip()
    return (
        len(s.split()) >= 4
        and len(s) <= 250
        and not s.endswith(".")
        and not _FULL_DATE.search(s)
        and not _CLOCK.search(s)
        and s.casefold() not in _FURNITURE_TITLES
    )


def _is_stop(line: str) -> bool:
    s = line.strip().rstrip(":").casefold()
    return s in _STOP_HEADINGS or s.startswith(("từ khóa:", "từ khoá:", "tags:"))


# The pages the corpus is built from, pinned so that the corpus of a seed stays the
# same when fixtures are added (compare runs by the corpus fingerprint in the report).
TEMPLATE_NAMES = (
    "000_70b5c8d6d0b5c278.txt",
    "001_653fd90441ea7279.txt",
    "002_755a83d31bc7d8e8.txt",
    "003_81ea59991d5bf172.txt",
    "004_7e09f98f85691267.txt",
    "baoquocte_dialogue_korea.txt",
    "baotintuc_interview_rcep.txt",
    "cand_mekong_amm57.txt",
    "dantri_myanmar.txt",
    "nld_timor_summit40.txt",
    "qdnd_apt26.txt",
    "thanhnien_som2023.txt",
    "tuoitre_arf30.txt",
    "vietnamplus_summit43.txt",
    "vnexpress_eas18.txt",
    "vov_amm56.txt",
    "vtv_climate.txt",
)


def template_paths(dirs=TEMPLATE_DIRS) -> list[Path]:
    """Return the pinned template pages, or every page when one of them is gone."""
    found = {p.name: p for folder in dirs for p in sorted(Path(folder).glob("*.txt"))}
    if all(name in found for name in TEMPLATE_NAMES):
        return [found[name] for name in TEMPLATE_NAMES]
    return list(found.values())


def load_templates(dirs=TEMPLATE_DIRS) -> list[Template]:
    templates = []
    for path in template_paths(dirs):
        raw = path.read_text(encoding="utf-8")
        bom = raw.startswith("\ufeff")
        lines = [line.rstrip("\r") for line in raw.lstrip("\ufeff").split("\n")]
        title_at = next(i for i, line in enumerate(lines) if _is_title(line))
        lead_at = next(i for i in range(title_at + 1, len(lines)) if len(lines[i].strip()) >= 90)
        stop_at = next(
            (i for i in range(lead_at + 1, len(lines)) if _is_stop(lines[i])), len(lines)
        )
        paragraph_lines = [
            i for i in range(lead_at + 1, stop_at) if _is_paragraph(lines[i].strip())
        ]
        last = paragraph_lines[-1] if paragraph_lines else lead_at
        body = lines[lead_at + 1 : last + 1]
        templates.append(
            Template(
                name=path.name,
                bom=bom,
                header=lines[: lead_at + 1],
                title=lines[title_at].strip(),
                body=body,
                coda=lines[last + 1 :],
                has_header_date=any(_FULL_DATE.search(line) for line in lines[: lead_at + 1]),
                blank_separated=any(not line.strip() for line in body),
            )
        )
    return templates


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class CorpusGenerator:
    """Generate article ``n`` (any int) deterministically from ``seed``."""

    def __init__(self, seed: int = 1, templates: list[Template] | None = None):
        self.seed = seed
        self.templates = templates or load_templates()
        pool, seen = [], set()
        for template in self.templates:
            for line in template.body:
                line = line.strip()
                if _is_paragraph(line) and line not in seen:
                    seen.add(line)
                    pool.append(line)
        self.paragraphs = pool
        self.sentences = [s for p in pool for s in _SENTENCE_SPLIT.split(p) if len(s) > 40]

    # -- variations --------------------------------------------------------------

    def _stitched(self, rng: random.Random) -> str:
        return " ".join(rng.sample(self.sentences, rng.randint(2, 4)))

    def _vary(self, text: str, rng: random.Random, shift: int, cache: dict) -> str:
        """Move dates by ``shift`` days (inside their year), change amounts. The same
        string always maps to the same result within one page (captions printed twice)."""

        def move(day, month, year):
            base_year = year or 2023
            try:
                old = datetime.date(base_year, month, day)
            except ValueError:
                return None
            new = old + datetime.timedelta(days=shift)
            if new.year != old.year:
                new = old - datetime.timedelta(days=shift)
            return new

        def slash(match):
            key = match.group(0)
            if key not in cache:
                day, month = int(match.group(1)), int(match.group(2))
                year = int(match.group(3)) if match.group(3) else None
                new = move(day, month, year)
                if new is None:
                    cache[key] = key
                else:
                    d = f"{new.day:02d}" if len(match.group(1)) == 2 else str(new.day)
                    m = f"{new.month:02d}" if len(match.group(2)) == 2 else str(new.month)
                    cache[key] = f"{d}/{m}" + (f"/{year}" if year else "")
            return cache[key]

        def dash(match):
            key = match.group(0)
            if key not in cache:
                new = move(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                cache[key] = key if new is None else f"{new.day:02d}-{new.month:02d}-{new.year}"
            return cache[key]

        def amount(match):
            key = match.group(0)
            if key not in cache:
                value = float(match.group(1).replace(",", "."))
                new = max(1, round(value * rng.uniform(0.5, 2.0)))
                cache[key] = f"{new}{match.group(2)}"
            return cache[key]

        parts = _URL.split(text)
        urls = _URL.findall(text)
        out = []
        for i, part in enumerate(parts):
            part = _SLASH_DATE.sub(slash, part)
            part = _DASH_DATE.sub(dash, part)
            out.append(_AMOUNT.sub(amount, part))
            if i < len(urls):
                out.append(urls[i])
        return "".join(out)

    @staticmethod
    def _unique_url(url: str, n: int) -> str:
        head, dot, ext = url.rpartition(".")
        if dot and "/" not in ext and 2 <= len(ext) <= 5:
            return f"{head}-b{n}.{ext}"
        return f"{url.rstrip('/')}-b{n}"

    # -- one article ---------------------------------------------------------------

    def article(self, n: int) -> str:
        rng = random.Random(f"{self.seed}:{n}")
        template = rng.choice(self.templates)
        shift = rng.randint(-150, 150)
        cache: dict = {}
        title = template.title
        if len(title) < 110 and rng.random() < 0.5:
            new_title = title + rng.choice(_TITLE_SUFFIXES).format(n=n)
        else:
            new_title = rng.choice(_TITLE_PREFIXES).format(n=n) + title

        target = rng.randint(8000, 16000) if rng.random() < 0.05 else rng.randint(3000, 6000)
        sep = "\n\n" if template.blank_separated else "\n"

        header = list(template.header)
        if not template.has_header_date:
            day = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(6 * 365))
            fmt = rng.choice(_HEADER_DATE_FORMATS)
            date_line = fmt.format(
                weekday=_WEEKDAYS[day.weekday()],
                dd=f"{day.day:02d}",
                mm=f"{day.month:02d}",
                d=day.day,
                m=day.month,
                yyyy=day.year,
                hh=f"{rng.randrange(6, 23):02d}",
                mi=f"{rng.randrange(60):02d}",
            )
            title_at = next(i for i, line in enumerate(header) if line.strip() == template.title)
            header.insert(title_at + 1, date_line)

        # Body: the page's own paragraph slots get the page's paragraphs or others', shuffled.
        own = [line for line in template.body if _is_paragraph(line.strip())]
        others = [p for p in self.paragraphs if p not in own]
        choices = list(own)
        rng.shuffle(choices)
        body = []
        for line in template.body:
            if _is_paragraph(line.strip()):
                r = rng.random()
                if r < 0.5 and choices:
                    body.append(choices.pop())
                elif r < 0.8:
                    body.append(rng.choice(others))
                else:
                    body.append(self._stitched(rng))
            else:
                body.append(line)

        def size(lines):
            return len("\n".join(lines).encode("utf-8"))

        fixed = size(header) + size(template.coda)
        extra = []
        used = set(body)
        while fixed + size(body) + size(extra) < target:
            if rng.random() < 0.7:
                paragraph = rng.choice(self.paragraphs)
                if paragraph in used and len(used) < len(self.paragraphs):
                    continue
            else:
                paragraph = self._stitched(rng)
            used.add(paragraph)
            extra.append(paragraph)
        # A long page trims its related-headlines list first, then its own paragraphs.
        coda = list(template.coda)
        keep = next((i + 1 for i, line in enumerate(coda) if _is_stop(line)), len(coda))
        while len(coda) > keep and fixed + size(body) > target + 1500:
            coda.pop()
            fixed = size(header) + size(coda)
        slots = [i for i, line in enumerate(body) if _is_paragraph(line.strip())]
        rng.shuffle(slots)
        drop = set()

        def dropped():
            return sum(len(body[i].encode()) + 1 for i in drop)

        while len(slots) > 3 and fixed + size(body) - dropped() > target:
            drop.add(slots.pop())
        if drop:
            body = [line for i, line in enumerate(body) if i not in drop]
            # No two blank lines in a row where a paragraph went.
            body = [
                line for i, line in enumerate(body) if line.strip() or (i and body[i - 1].strip())
            ]

        if extra:
            body = body + [p for e in extra for p in (("", e) if sep == "\n\n" else (e,))]
        if rng.random() < 0.4:
            slug = "-".join(_fold(template.title).split("-")[:8])
            source = f"Nguồn: https://example-outlet.vn/{slug}-{n}.html"
            coda = [source, *coda] if sep == "\n" else ["", source, *coda]

        lines = [*header, *body, *coda]
        lines = [new_title if line.strip() == template.title else line for line in lines]
        text = "\n".join(lines)
        text = _URL.sub(lambda m: self._unique_url(m.group(0), n), text)
        text = self._vary(text, rng, shift, cache)
        text = text.rstrip("\n") + "\n"
        return ("\ufeff" if template.bom else "") + text

    def big_article(self, size_bytes: int, n: int) -> str:
        """One page of ``size_bytes``: a real header and lead, then the bodies of
        consecutive generated articles (paragraphs, captions, in-body links)."""
        rng = random.Random(f"{self.seed}:big:{n}")
        template = rng.choice([t for t in self.templates if t.has_header_date])
        parts = ["\n".join(template.header)]
        total = len(parts[0].encode("utf-8"))
        k = 0
        while total < size_bytes:
            inner = self.article(10_000_000 + n * 100_000 + k)
            k += 1
            own = self._body_of(inner)
            parts.append(own)
            total += len(own.encode("utf-8")) + 1
        return "\n".join(parts) + "\n"

    def _body_of(self, text: str) -> str:
        lines = text.lstrip("\ufeff").split("\n")
        lead_at = next(i for i, line in enumerate(lines) if len(line.strip()) >= 90)
        stop_at = next(
            (i for i in range(lead_at + 1, len(lines)) if _is_stop(lines[i])), len(lines)
        )
        return "\n".join(lines[lead_at + 1 : stop_at])

    def write(self, folder: Path, count: int, start: int = 0) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for n in range(start, start + count):
            path = folder / f"article_{n:07d}.txt"
            path.write_text(self.article(n), encoding="utf-8")
            paths.append(path)
        return paths

"""Printable plans: the same pages rendered as Markdown (footnotes `[^n]`) or as PDF (fpdf2, one page
per session, citations as numbered notes at the foot of each page). The PDF font is DejaVu Sans as
shipped inside matplotlib's wheel (a dependency already), so accents, « », œ and → print everywhere."""

from __future__ import annotations

import importlib.util
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.extractive import unmarked
from assistant.planning.library import Ref
from assistant.planning.progression import Progression
from assistant.planning.workshop import Workshop
from assistant.vocabulary import COMPETENCE_BY_KEY


@dataclass
class Block:
    kind: str  # h1 | h2 | p | li | meta
    text: str
    refs: list[Ref] = field(default_factory=list)


Page = list[Block]
NOTE_SNIPPET_CHARS = 160  # a footnote quotes the start of the passage; the Markdown export quotes it whole


def plain(text: str) -> str:
    """Markdown emphasis off, for print."""
    return re.sub(r"\*\*|(?<!\w)\*|\*(?!\w)", "", text)


def _cite_line(ref: Ref, limit: int | None = None) -> str:
    where = f", {ref.locator}" if ref.locator else ""
    snippet = unmarked(ref.snippet)
    if limit and len(snippet) > limit:
        snippet = snippet[:limit].rsplit(" ", 1)[0] + " […]"
    return f"{ref.title}{where} — « {snippet} » ({ref.source})"


# -- pages --------------------------------------------------------------------------------------
def progression_pages(plan: Progression) -> list[Page]:
    """A cover page (request, overview, ritual, notes, gaps), then one page per session."""
    comps = ", ".join(COMPETENCE_BY_KEY[k].label for k in plan.competences) or "—"
    cover: Page = [
        Block("h1", f"Progression CPS — {plan.level}"),
        Block("meta", f"Compétences : {comps}"),
        Block("meta", f"{plan.sessions_wanted} séance(s) de {plan.slot_min} min demandées"
                      + (f" — période : {plan.period}" if plan.period else "")),
        Block("h2", "Vue d'ensemble"),
    ]
    for i, s in enumerate(plan.sessions, 1):
        part = f" ({s.part}/{s.parts})" if s.parts > 1 else ""
        when = f"{s.month} — " if s.month else ""
        cover.append(Block("li", f"Séance {i} : {when}{s.title}{part} — {s.duration_min} min", [s.sheet_ref]))
    if not plan.sessions:
        cover.append(Block("p", "Aucune séance proposée."))
    if plan.ritual or plan.ritual_principle:
        cover.append(Block("h2", "Rituel à installer"))
        if plan.ritual:
            cover.append(Block("p", unmarked(plan.ritual.snippet), [plan.ritual]))
        if plan.ritual_principle:
            cover.append(Block("p", "Un rituel court et régulier prolonge chaque séance au quotidien.",
                               [plan.ritual_principle]))
    if plan.notes:
        cover.append(Block("h2", "Points d'attention"))
        cover.extend(Block("li", text, [ref] if ref else []) for text, ref in plan.notes)
    if plan.gaps:
        cover.append(Block("h2", "Ce que la bibliothèque ne couvre pas"))
        cover.extend(Block("li", g) for g in plan.gaps)
    pages = [cover]
    for i, s in enumerate(plan.sessions, 1):
        part = f" (partie {s.part}/{s.parts})" if s.parts > 1 else ""
        page: Page = [
            Block("h1", f"Séance {i} — {s.title}{part}"),
            Block("meta", " · ".join(x for x in (s.month or "", f"{s.duration_min} min (créneau de {plan.slot_min} min)",
                                                  "niveaux de la fiche : " + ", ".join(s.levels)) if x)),
            Block("meta", "Compétences : " + ", ".join(s.competences)),
            Block("p", f"Fiche : {s.title} ({s.source})", [s.sheet_ref]),
            Block("h2", "Pourquoi à cette place"),
            Block("p", s.reason, s.reason_refs),
        ]
        if s.objectives:
            page.append(Block("h2", "Objectifs"))
            page.extend(Block("li", unmarked(o.snippet), [o]) for o in s.objectives)
        if s.ritual:
            page.append(Block("h2", "Prolongement au quotidien"))
            page.append(Block("p", unmarked(s.ritual.snippet), [s.ritual]))
        if s.closing:
            page.append(Block("h2", "Bilan"))
            page.append(Block("p", "Dernière séance : garder un temps pour le retour des élèves sur la progression."))
        pages.append(page)
    return pages


def workshop_pages(plan: Workshop) -> list[Page]:
    """The outline on one page (objectives, timed sequence), key messages and handouts on the next."""
    first: Page = [
        Block("h1", f"Atelier — {plan.theme}"),
        Block("meta", f"Public : {plan.public} — durée : {plan.minutes} min"),
        Block("h2", "Objectifs"),
        *(Block("li", o.text, [o.ref]) for o in plan.objectives),
        Block("h2", "Déroulé"),
    ]
    start = 0
    for step in plan.sequence:
        end = start + step.duration_min
        first.append(Block("li", f"{_hm(start)}–{_hm(end)} ({step.duration_min} min) · {step.title} : {step.activity}",
                           [step.ref, *step.extra]))
        start = end
    second: Page = [Block("h1", "Messages clés et documents")]
    if plan.key_messages:
        second.append(Block("h2", "Messages clés"))
        second.extend(Block("li", m.text, [m.ref]) for m in plan.key_messages)
    if plan.handouts:
        second.append(Block("h2", "Documents à distribuer"))
        second.extend(Block("li", f"{h.text} ({h.ref.source})", [h.ref]) for h in plan.handouts)
    if plan.gaps:
        second.append(Block("h2", "Ce que la bibliothèque ne couvre pas"))
        second.extend(Block("li", g) for g in plan.gaps)
    return [first, second]


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def _note_numbers(refs: list[Ref], numbers: dict[tuple[str, str], int]) -> tuple[list[int], list[tuple[int, Ref]]]:
    """The note number of each ref (one per cited passage, in order of first use, kept in `numbers`),
    and the refs that got a new number, which need a note."""
    used: list[int] = []
    new: list[tuple[int, Ref]] = []
    for ref in refs:
        key = (ref.chunk_id, ref.snippet)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            new.append((numbers[key], ref))
        used.append(numbers[key])
    return used, new


# -- Markdown -----------------------------------------------------------------------------------
def to_markdown(pages: list[Page], footnotes: bool = True) -> str:
    """Markdown with footnotes numbered once over the whole document (`[^n]`); with footnotes=False,
    plain `[n]` markers and a numbered source list (for displays that do not render footnotes)."""
    numbers: dict[tuple[str, str], int] = {}
    notes: list[str] = []
    out: list[str] = []
    for p, page in enumerate(pages):
        if p:
            out.append("\n---\n")
        for block in page:
            used, new = _note_numbers(block.refs, numbers)
            notes += [f"[^{n}]: {_cite_line(ref)}" if footnotes else f"- [{n}] {_cite_line(ref)}" for n, ref in new]
            text = block.text + "".join(f"[^{n}]" if footnotes else f" [{n}]" for n in used)
            out.append({"h1": f"# {text}\n", "h2": f"\n## {text}\n", "li": f"- {text}", "meta": f"*{text}*  ",
                        "p": f"\n{text}\n"}.get(block.kind, text))
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip())
    if not footnotes and notes:
        return body + "\n\n### Sources\n\n" + "\n".join(notes) + "\n"
    return body + "\n\n" + "\n".join(notes) + "\n"


# -- PDF ----------------------------------------------------------------------------------------
def font_dir() -> Path | None:
    """matplotlib's bundled DejaVu fonts (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    return folder if (folder / "DejaVuSans.ttf").exists() else None


def to_pdf(pages: list[Page], path: Path, title: str = "Cartable Assistant") -> Path:
    """One PDF page per plan page (longer ones flow on), citations as notes at the foot of the page."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Cartable Assistant")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    fonts = font_dir()
    if fonts is not None:
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:  # core font: keep what latin-1 can print
        family = "Helvetica"

    def clean(text: str) -> str:
        if family == "DejaVu":
            return text
        return text.replace("→", "->").replace("—", "-").replace("’", "'").replace("œ", "oe").encode(
            "latin-1", "replace").decode("latin-1")

    width = pdf.w - pdf.l_margin - pdf.r_margin
    styles = {"h1": ("B", 15, 8), "h2": ("B", 11.5, 6), "p": ("", 10, 5), "li": ("", 10, 5), "meta": ("", 9.5, 5)}
    for page in pages:
        pdf.add_page()
        numbers: dict[tuple[str, str], int] = {}
        notes: list[str] = []
        for block in page:
            used, new = _note_numbers(block.refs, numbers)
            notes += [plain(f"[{n}] {_cite_line(ref, NOTE_SNIPPET_CHARS)}") for n, ref in new]
            marks = "".join(f" [{n}]" for n in used)
            style, size, line = styles.get(block.kind, styles["p"])
            pdf.set_font(family, style, size)
            if block.kind == "h2":
                pdf.ln(2)
            if block.kind == "h1":
                pdf.set_text_color(20, 60, 120)
            elif block.kind == "meta":  # grey rather than italic: one font file fewer to parse
                pdf.set_text_color(90, 90, 90)
            text = clean(("• " if block.kind == "li" else "") + plain(block.text) + marks)
            pdf.multi_cell(width, line, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
            if block.kind == "h1":
                pdf.ln(2)
        if notes:
            pdf.set_font(family, "", 7.5)
            # One cell per note: fpdf2's line breaking slows down with the length of a single cell.
            bodies = [clean(n) for n in notes]
            # Height from string widths (a dry run would lay every note out twice); 0.9 leaves room for
            # the words that wrap early.
            height = sum(3.6 * math.ceil(pdf.get_string_width(b) / (width * 0.9)) for b in bodies)
            bottom = pdf.h - pdf.b_margin
            if pdf.get_y() + height + 4 <= bottom:
                pdf.set_y(bottom - height - 2)
            pdf.set_draw_color(150, 150, 150)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 50, pdf.get_y())
            pdf.ln(1)
            pdf.set_text_color(70, 70, 70)
            for body in bodies:
                pdf.multi_cell(width, 3.6, body, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path

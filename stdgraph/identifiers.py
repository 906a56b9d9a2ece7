"""Parse and normalise the standard references people write, and mint their IRIs.

A reference such as ``ISO 14064-1:2018``, ``BS EN ISO 14046:2016``, ``GB/T 24001—2016`` or
``IEC 61730-1:2004+AMD1:2011+AMD2:2013 CSV`` is parsed into a `StandardRef`. Two spellings of one
document parse to equal refs and share their IRIs, so the same standard named by two sources is one node.

Normalisation (what `parse` forgives)
- NFKC (full-width ``ＧＢ／Ｔ　２４００１－２０１６`` becomes ASCII), every dash (— – − ‐ ‒ ―) becomes ``-``,
  runs of spaces collapse, spaces around ``/ : + -`` go, prefixes and designators are case-insensitive.
- Publishers at one level are co-publishers and join with ``/`` (``ISO IEC 17065`` -> ``ISO/IEC 17065``);
  levels (national, regional, international) join with a space, outermost first (``BS EN ISO``). A level
  may not go back down (``ISO BS 1`` is an error), which keeps the chain, and its slug, unambiguous.
- ``DAM``/``FDAM`` are ISO's older spellings of ``DAmd``/``FDAmd``; both parse to the same ref.

Canonical spelling (`StandardRef.canonical`)
- Chinese prefixes (``GB``, ``GB/T``, ``GB/Z``, ``HJ`` ...) write parts with ``.`` and the year with ``-``:
  ``GB/T 16895.1-2008``. All others write parts with ``-`` and the year with ``:``.
- ISO and IEC spell the same supplement differently in their catalogues (``ISO/IEC 10021-1:1990/Amd 1:1994``
  on iso.org, ``ISO/IEC 10021-1:1990/AMD1:1994`` on the IEC webstore) and place a designator differently
  (``IEC/TR 60828:1988`` vs ``IEC TR 60828:1988``). Both are kept as written: the ref remembers its
  `style` (``"iso"`` or ``"iec"``), read from how the supplements or the designator were written, else
  from the issuing body. `style` is not part of equality, hashing or slugs.
  ISO style: ``ISO/TS 14067``, ``ISO Guide 30``, ``ISO/IEC TS 27008``, ``/Amd 1:2024``, ``/Cor 1:2009``,
  ``/DAmd 1``, ``/CD Amd 1``. IEC style: ``IEC TS 62257-9-5``, ``/AMD1:2011``, ``/COR1:2021``, ``+AMD1:2011``.
- Designators: a stage (``DIS FDIS CD WD AWI NP PWI PRF``, or a combined stage+type ``DTS DTR DPAS DGuide``)
  comes before a document type (``TS TR PAS Guide ISP IWA R TTA DATA SRD CA WT ACEE DIR``).
- Order: base, ``+`` consolidated amendments, suffix (``CSV RLV CMV EXV SER DB`` ...), ``/`` supplements.

Works and editions
- `work`: the standard without stage, year, draft iteration, supplement or suffix, and without the document
  types ``TS TR PAS R`` because ISO and IEC reuse a project number across them (``ISO/TS 14067:2013`` and
  ``ISO 14067:2018`` are editions of ``ISO 14067``). ``Guide``, ``IWA`` and the other types are number
  series of their own and stay; so do ``GB/T`` and ``GB`` (different Chinese standards). Co-publishers stay
  (``ISO/IEC 17065``), so a work is named as its publishers name it.
- `edition_slug`: every identity-bearing component, lower case, with ``-`` inside a component list and
  ``_`` between the work part, the year and each supplement: ``iso-14064-1_2018``,
  ``iso-14001_2015_amd-1_2024``, ``gb-t-24001_2016``, ``iso-dis-14021``,
  ``iec-61730-1_2004_plus-amd-1_2011_plus-amd-2_2013_csv``. A ``/`` inside a part (``IEC 60695-2-1/1``)
  becomes ``~``; a draft iteration or a Chinese part keeps its ``.``. The segments after the first ``_``
  are typed by how they start (digits: year; ``plus-``: consolidated amendment; a suffix word; a
  supplement kind), so distinct refs give distinct slugs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from stdgraph.namespaces import SGID

__all__ = [
    "PREFIX_BODIES",
    "IdentifierError",
    "StandardRef",
    "Supplement",
    "edition_iri",
    "format",
    "normalise",
    "parse",
    "standard_iri",
]


class IdentifierError(ValueError):
    """A text that is not a standard reference this module understands."""


class Supplement(NamedTuple):
    """An amendment, corrigendum or other supplement: ``/Amd 1:2024`` is ``("AMD", "1", "2024")``.

    `kind` is style-neutral upper case, with a draft stage in front when there is one (``"CD AMD"``,
    ``"DAMD"``).
    """

    kind: str
    number: str | None
    year: str | None


# --- vocabularies -------------------------------------------------------------------------------------

_NATIONAL = 0
_REGIONAL = 1
_INTERNATIONAL = 2

_CHINESE = frozenset({"GB", "HJ", "NB", "DL", "JB", "QC", "SJ", "YB", "HG", "JT", "JJF", "JJG"})
_NATIONAL_PREFIXES = _CHINESE | {
    "BS", "DIN", "NF", "UNE", "UNI", "NEN", "NBN", "SS", "SN", "DS", "SFS", "NS", "PN", "CSN", "STN",
    "KS", "JIS", "AS", "NZS", "CSA", "ANSI", "SANS", "SI", "TCVN", "TIS", "SNI", "MS", "SASO", "GOST",
    "CNS", "NBR", "SLS", "PNS",
}  # fmt: skip
_REGIONAL_PREFIXES = frozenset({"EN"})
_LEADS = frozenset({"ISO", "IEC", "CISPR"})
_CO_PUBLISHERS = frozenset({"IEEE", "ASTM", "ASME", "CIE", "SAE", "OECD", "HL7", "UNDP"})
_LEVEL = {p: _NATIONAL for p in _NATIONAL_PREFIXES}
_LEVEL.update({p: _REGIONAL for p in _REGIONAL_PREFIXES})
_LEVEL.update({p: _INTERNATIONAL for p in _LEADS | _CO_PUBLISHERS})
_DIVISION_PREFIXES = frozenset({"JIS", "KS"})  # JIS Q 14001, KS I ISO 14001

# Issuing body of a prefix where the prefix is not the body's own acronym (GB standards: SAC/SAMR).
PREFIX_BODIES: dict[str, str] = {
    "GB": "SAC",
    "HJ": "MEE",
    "BS": "BSI",
    "NF": "AFNOR",
    "JIS": "JISC",
    "KS": "KATS",
    "SS": "SIS",
    "SN": "SNV",
    "AS": "SA",
    "NZS": "SNZ",
    "CISPR": "IEC",
    "EN": "CEN",
}

# Stages; the combined ones carry the document type (DTS = draft TS).
_STAGES = {s: s for s in ("CD", "WD", "AWI", "NP", "PWI", "PRF", "DIS", "FDIS", "DTS", "DTR", "DPAS", "FDTS")}
_STAGES.update({"FDTR": "FDTR", "DGUIDE": "DGuide"})
_COMBINED = {"DIS": None, "FDIS": None, "DTS": "TS", "FDTS": "TS", "DTR": "TR", "FDTR": "TR"}
_COMBINED.update({"DPAS": "PAS", "DGuide": "Guide"})
_DOC_TYPES = {t: t for t in ("TS", "TR", "PAS", "ISP", "IWA", "R", "TTA", "DATA", "SRD", "CA", "WT", "ACEE")}
_DOC_TYPES.update({"GUIDE": "Guide", "DIR": "DIR"})
_WORK_DROPPED_TYPES = frozenset({"TS", "TR", "PAS", "R"})
_FREE_TEXT_TYPES = ("Technology and Market Outlook Paper", "Technology Report", "Trend Report", "White Paper")
_SUFFIXES = ("EXV-CMV", "EXV-RLV", "CSV", "RLV", "CMV", "EXV", "SER", "DB", "PRV")

# Supplement spellings per style: (spelling, space before the number).
_ISO_KINDS = {
    "AMD": ("Amd", True), "COR": ("Cor", True), "ADD": ("Add", True), "SUPPL": ("Suppl", True),
    "EXT": ("Ext", True), "DAMD": ("DAmd", True), "FDAMD": ("FDAmd", True), "DCOR": ("DCOR", True),
    "FDCOR": ("FDCOR", True),
}  # fmt: skip
_KIND_ALIASES = {"DAM": "DAMD", "FDAM": "FDAMD"}
_DOC_TYPE_VOCAB = {
    "TS": "technical-specification",
    "TR": "technical-report",
    "PAS": "publicly-available-specification",
    "Guide": "guide",
    "IWA": "international-workshop-agreement",
}
_AMENDMENT_KINDS = frozenset({"AMD", "DAMD", "FDAMD", "ADD", "EXT", "SUPPL", "A"})
_CORRIGENDUM_KINDS = frozenset({"COR", "DCOR", "FDCOR", "AC"})

# --- regular expressions ------------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_SGID = str(SGID)
_T = TypeVar("_T")
_SPACES = re.compile(r"\s+")
_AROUND = re.compile(r" ?([/:+]) ?")
_AROUND_NEEDED = re.compile(r" [-/:+]|[-/:+] ")
_AROUND_DASH = re.compile(r"(?<=[0-9A-Za-z]) ?- ?(?=[0-9A-Za-z/])")
_HEAD_WORD = re.compile(r"([A-Za-z][A-Za-z0-9]*)([ /])")
_FREE_TEXT = re.compile(
    r"(?P<pub>IEC) (?P<type>" + "|".join(_FREE_TEXT_TYPES) + r") (?P<title>.+?):(?P<year>[0-9]{4})$", re.I
)
_NUMBER = re.compile(
    r"(?P<number>[0-9]+[A-Za-z]*|[A-Za-z][A-Za-z0-9]*)"
    r"(?P<part>(?:-[0-9A-Za-z]+|-?/[0-9]+)*)"
    r"(?:\.(?P<iteration>[0-9]+))?"
    r"(?::(?P<year>[0-9]{4})?)?"
)
_CHINESE_NUMBER = re.compile(
    r"(?P<number>[0-9]+)(?:\.(?P<part>[0-9]+(?:\.[0-9]+)*))?(?:[-:](?P<year>[0-9]{4}|[0-9]{2}))?$"
)
_DIR_NUMBER = re.compile(r"(?P<number>[0-9A-Za-z]+(?: [0-9A-Za-z]+)*)(?::(?P<year>[0-9]{4}))?(?=[ /+]|$)")
_KIND = r"(?P<kind>FDAMD|FDAM|DAMD|DAM|FDCOR|DCOR|AMD|COR|ADD|SUPPL|EXT|ISH|FRAG|AC(?![A-Z])|A(?=[0-9]))"
_SUPPLEMENT = re.compile(
    r"/(?:(?P<stage>CD|WD|AWI|NP|PWI|PRF) )?" + _KIND + r"(?P<sp> ?)(?P<number>[0-9]+(?:\.[0-9]+)?)?"
    r"(?::(?P<year>[0-9]{4})?)?(?: (?P<edition>ED[0-9]+))?(?=[/+ ]|$)",
    re.I,
)
_CONSOLIDATED = re.compile(
    r"\+" + _KIND + r"(?P<sp> ?)(?P<number>[0-9]+)(?::(?P<year>[0-9]{4}))?(?=[/+ ]|$)", re.I
)
_SUFFIX = re.compile(r" (?P<suffix>" + "|".join(_SUFFIXES) + r")(?=[/+ ]|$)", re.I)
_SLUG_JUNK = re.compile(r"[^a-z0-9.~]+")

_EXAMPLES = "'ISO 14064-1:2018', 'ISO 14001:2015/Amd 1:2024', 'BS EN ISO 14046:2016' or 'GB/T 24001-2016'"


# --- the reference ------------------------------------------------------------------------------------


class _once(Generic[_T]):
    """`functools.cached_property` without its lock (Python 3.11 takes one on every first access).

    A reference is immutable, so two threads racing compute the same value. The ISO catalogue reads about
    460k of these values for the first time; with the lock 500k first reads took 0.40 s, without 0.17 s."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func, self.name = func, func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance: object, owner: type | None = None) -> _T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass(frozen=True)
class StandardRef:
    """A parsed standard reference. Equal refs name the same document, whatever their spelling style."""

    publishers: tuple[str, ...]
    """Adoption chain, outermost first; co-publishers share one element: ("BS", "EN", "ISO/IEC")."""
    number: str
    part: str | None = None
    year: str | None = None
    doc_type: str | None = None
    """TS, TR, PAS, Guide, IWA, ... and for Chinese standards T (recommended) or Z (guidance)."""
    stage: str | None = None
    """Draft stage label from the ISO/IEC catalogues (DIS, FDIS, CD, AWI, DTS ...), None when published."""
    division: str | None = None
    """JIS/KS classification letter (JIS Q 14001, KS I ISO 14001)."""
    iteration: str | None = None
    """Draft iteration (ISO/DIS 10239.2)."""
    consolidated: tuple[Supplement, ...] = ()
    """Amendments folded into a consolidated version (+AMD1:2011)."""
    suffix: str | None = None
    """Publication form: CSV (consolidated), RLV (redline), CMV, EXV, SER, DB."""
    supplements: tuple[Supplement, ...] = ()
    style: str = field(default="iso", compare=False)
    """Spelling style, "iso" or "iec"; not part of identity."""
    edition_note: str | None = field(default=None, compare=False)
    """IEC's ``ED5`` after a fragment (``/FRAG5 ED5``); the webstore lists the same record as ``/FRAG5:``."""

    # -- formatting --

    @_once
    def _chinese(self) -> bool:
        return bool(self.publishers) and self.publishers[-1].split("/")[0] in _CHINESE

    def _head(self, *, with_stage: bool = True, doc_type: str | None = None) -> str:
        text = ""
        if self.publishers:
            text = self.publishers[0] + (f" {self.division}" if self.division else "")
            text += "".join(f" {group}" for group in self.publishers[1:])
        stage = self.stage if with_stage else None
        designators = [d for d in (stage, None if stage in _COMBINED else doc_type) if d]
        if not designators:
            return text
        if not text:
            return " ".join(designators)
        single = "/" not in self.publishers[-1]
        if self._chinese or (
            self.style == "iso" and single and designators[0] not in ("Guide", *_FREE_TEXT_TYPES)
        ):
            return f"{text}/{' '.join(designators)}"
        return f"{text} {' '.join(designators)}"

    def _number(self) -> str:
        text = self.number
        if self.part:
            text += ("." if self._chinese else "-") + self.part
        return text

    def _supplement(self, sup: Supplement, joiner: str) -> str:
        stage, _, kind = sup.kind.rpartition(" ")
        if self.style == "iso" and kind in _ISO_KINDS:
            spelling, spaced = _ISO_KINDS[kind]
        else:
            spelling, spaced = kind, False
        text = joiner + (f"{stage} " if stage else "") + spelling
        if sup.number:
            text += (" " if spaced else "") + sup.number
        if sup.year:
            text += ":" + sup.year
        return text

    @_once
    def canonical(self) -> str:
        """The canonical spelling, e.g. ``ISO 14064-1:2018``, ``GB/T 24001-2016``."""
        text = f"{self._head(doc_type=self.doc_type)} {self._number()}".lstrip()
        if self.iteration:
            text += f".{self.iteration}"
        if self.year:
            text += ("-" if self._chinese else ":") + self.year
        text += "".join(self._supplement(s, "+") for s in self.consolidated)
        if self.suffix:
            text += f" {self.suffix}"
        text += "".join(self._supplement(s, "/") for s in self.supplements)
        if self.edition_note:
            text += f" {self.edition_note}"
        return text

    def __str__(self) -> str:
        return self.canonical

    # -- relations --

    @property
    def _work_doc_type(self) -> str | None:
        doc_type = self.doc_type
        return None if doc_type in _WORK_DROPPED_TYPES else doc_type

    @_once
    def work_ref(self) -> StandardRef:
        """The work this document belongs to: no stage, year, iteration, supplement, suffix or TS/TR/PAS."""
        return StandardRef(
            publishers=self.publishers,
            number=self.number,
            part=self.part,
            doc_type=self._work_doc_type,
            division=self.division,
            style=self.style,
        )

    @property
    def work(self) -> str:
        """Canonical reference of the work, e.g. ``ISO 14064-1`` for ``ISO 14064-1:2018/Amd 1:2020``."""
        return self.work_ref.canonical

    @property
    def is_edition(self) -> bool:
        """True when the reference names a dated document (it has a year)."""
        return self.year is not None

    @property
    def is_draft(self) -> bool:
        """True for a stage label on the document or on its last supplement."""
        if self.supplements:
            kind = self.supplements[-1].kind
            return " " in kind or kind in {"DAMD", "FDAMD", "DCOR", "FDCOR"}
        return self.stage is not None

    @_once
    def base(self) -> StandardRef | None:
        """For a supplement, the document it amends (``ISO 14001:2015`` for ``.../Amd 1:2024``)."""
        if not self.supplements:
            return None
        return replace(self, supplements=self.supplements[:-1], edition_note=None)

    @property
    def adopted(self) -> StandardRef | None:
        """For an adoption, the adopted reference one level in, as a work (``ISO 14064-1`` for ``EN ISO
        14064-1:2019``; ``EN ISO 14046`` for ``BS EN ISO 14046:2016``). None for a single publisher level."""
        if len(self.publishers) < 2:
            return None
        inner = StandardRef(
            publishers=self.publishers[1:],
            number=self.number,
            part=self.part,
            doc_type=self.doc_type,
            style=self.style,
        )
        return inner.work_ref

    @property
    def international(self) -> StandardRef | None:
        """The innermost (international or regional) reference, as a work; None for a single level."""
        if len(self.publishers) < 2:
            return None
        return replace(self, publishers=self.publishers[-1:], division=None).work_ref

    @property
    def prefix(self) -> str:
        """The first prefix: ``BS`` for ``BS EN ISO 14046:2016``, ``GB`` for ``GB/T 24001``; ISO for IWA."""
        return self.publishers[0].split("/")[0] if self.publishers else "ISO"

    @property
    def body(self) -> str:
        """Acronym of the issuing body: ``SAC`` for GB, ``BSI`` for BS, ``CENELEC`` for an IEC-based EN."""
        prefix = self.prefix
        if prefix == "EN":
            inner = self.publishers[1] if len(self.publishers) > 1 else ""
            if inner.startswith(("IEC", "CISPR")) or re.fullmatch(r"[56][0-9]{4}", self.number):
                return "CENELEC"
        return PREFIX_BODIES.get(prefix, prefix)

    @property
    def document_type(self) -> str | None:
        """Local name in ``sgid:vocab/document-type/``, None when no value there fits."""
        if self.supplements:
            kind = self.supplements[-1].kind.rpartition(" ")[2]
            if kind in _AMENDMENT_KINDS:
                return "amendment"
            return "corrigendum" if kind in _CORRIGENDUM_KINDS else None
        doc_type = _COMBINED.get(self.stage or "", self.doc_type) if self.stage else self.doc_type
        if doc_type in _DOC_TYPE_VOCAB:
            return _DOC_TYPE_VOCAB[doc_type]
        if doc_type not in (None, "T", "Z"):
            return None
        level = _LEVEL.get(self.prefix, _INTERNATIONAL)
        return ("national-standard", "regional-standard", "international-standard")[level]

    # -- slugs and IRIs --

    def _work_part_slug(self, doc_type: str | None, with_stage: bool) -> str:
        words: list[str] = []
        for i, group in enumerate(self.publishers):
            words.extend(group.split("/"))
            if i == 0 and self.division:
                words.append(self.division)
        stage = self.stage if with_stage else None
        if stage:
            words.append(stage)
        if doc_type and stage not in _COMBINED:
            words.append(doc_type)
        words.append(self.number)
        slug = _slugify("-".join(words))
        if self.part:
            slug += ("." if self._chinese else "-") + _slugify(self.part.replace("/", "~"))
        return slug

    @_once
    def work_slug(self) -> str:
        """Key of the work in ``sgid:standard/``, e.g. ``iso-14064-1``, ``gb-t-24001``."""
        return self._work_part_slug(self._work_doc_type, with_stage=False)

    @_once
    def edition_slug(self) -> str:
        """Key of the document in ``sgid:edition/``, e.g. ``iso-14001_2015_amd-1_2024``."""
        slug = self._work_part_slug(self.doc_type, with_stage=True)
        if self.iteration:
            slug += f".{self.iteration}"
        if self.year:
            slug += f"_{self.year}"
        for sup in self.consolidated:
            slug += "_plus-" + _supplement_slug(sup)
        if self.suffix:
            slug += f"_{self.suffix.lower()}"
        for sup in self.supplements:
            slug += "_" + _supplement_slug(sup)
        return slug

    # cached, like the slugs: a catalogue asks a reference for its IRIs and relations several times
    @_once
    def standard_iri(self) -> str:
        return f"{_SGID}standard/{self.work_slug}"

    @_once
    def edition_iri(self) -> str:
        return f"{_SGID}edition/{self.edition_slug}"


def _slugify(text: str) -> str:
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")


def _supplement_slug(sup: Supplement) -> str:
    slug = _slugify(sup.kind) + (f"-{sup.number}" if sup.number else "")
    if sup.year:
        slug += f"_{sup.year}"
    return slug


# --- parsing ------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFKC, ASCII dashes, single spaces, no spaces around / : + or a dash."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _SPACES.sub(" ", text).strip()
    if _AROUND_NEEDED.search(text):
        text = _AROUND.sub(r"\1", text)
        text = _AROUND_DASH.sub("-", text)
    return text


def _fail(text: str, why: str) -> IdentifierError:
    return IdentifierError(f"{text!r} is not a standard reference: {why}; expected e.g. {_EXAMPLES}")


def _add_publisher(groups: list[list[str]], word: str, text: str) -> None:
    level = _LEVEL[word]
    if groups:
        last_level = _LEVEL[groups[-1][0]]
        if level == last_level:
            groups[-1].append(word)
            return
        if level < last_level:
            raise _fail(text, f"{word} cannot adopt a {groups[-1][0]} reference; write the adopter first")
    if word in _CO_PUBLISHERS:
        raise _fail(text, f"{word} is supported only as a co-publisher after ISO or IEC (ISO/{word} ...)")
    groups.append([word])


def _kind(match: re.Match[str]) -> str:
    kind = match["kind"].upper()
    kind = _KIND_ALIASES.get(kind, kind)
    stage = match.groupdict().get("stage")
    return f"{stage.upper()} {kind}" if stage else kind


def _style_of(match: re.Match[str]) -> str | None:
    """Spelling style evidenced by one supplement: ``Amd 1`` is ISO's, ``AMD1`` is IEC's."""
    kind = match["kind"]
    if kind.upper() in {"ISH", "FRAG"}:
        return "iec"
    if kind.upper() in {"A", "AC"} or not match["number"]:
        return None
    if match["sp"]:
        return "iso"
    return "iec" if kind.isupper() else None  # "Amd1" is a typo, not a style


@lru_cache(maxsize=1 << 18)
def parse(text: str) -> StandardRef:
    """Parse a standard reference; raise `IdentifierError` saying what was expected when it is not one."""
    if not isinstance(text, str):
        raise IdentifierError(f"expected a string, got {type(text).__name__}")
    s = _clean(text)
    if not s:
        raise _fail(text, "it is empty")
    free = _FREE_TEXT.match(s)
    if free:
        doc_type = next(t for t in _FREE_TEXT_TYPES if t.lower() == free["type"].lower())
        return StandardRef(("IEC",), free["title"], year=free["year"], doc_type=doc_type, style="iec")

    groups: list[list[str]] = []
    division = stage = doc_type = None
    style: str | None = None
    pos, prev = 0, ""
    while match := _HEAD_WORD.match(s, pos):
        word, before = match[1].upper(), s[pos - 1] if pos else ""
        first_designator = stage is None and doc_type is None
        if word in _LEVEL and first_designator:
            _add_publisher(groups, word, text)
            prev = "pub"
        elif prev == "pub" and before == " " and len(word) == 1 and groups[-1][-1] in _DIVISION_PREFIXES:
            division, prev = word, "div"
        elif prev == "pub" and before == "/" and word in ("T", "Z") and groups[-1][0] in _CHINESE:
            doc_type, prev = word, "type"
        elif word in _STAGES and first_designator:
            stage, prev = _STAGES[word], "stage"
            doc_type = _COMBINED.get(stage)
        elif word in _DOC_TYPES and doc_type is None:
            doc_type, prev = _DOC_TYPES[word], "type"
        else:
            break
        lone = bool(groups) and len(groups[-1]) == 1 and groups[-1][0] not in _CHINESE
        if first_designator and prev in ("stage", "type") and lone and doc_type != "Guide":
            style = "iso" if before == "/" else "iec"
        pos = match.end()
        if doc_type == "DIR":
            break
    if not groups and doc_type != "IWA":
        first = s.split(" ")[0].split("/")[0].upper()
        if first in _LEVEL:
            raise _fail(text, f"expected a document number after {s!r}")
        raise _fail(
            text, f"{first!r} is not a known publisher prefix (ISO, IEC, EN, BS, DIN, JIS, KS, GB ...)"
        )
    if groups and groups[-1][0] in _CHINESE:
        number = _CHINESE_NUMBER.match(s, pos)
        if not number:
            raise _fail(text, f"after {s[:pos].strip()!r} expected a number, '.part' and '-year'")
        return StandardRef(
            tuple("/".join(g) for g in groups),
            number["number"],
            part=number["part"],
            year=number["year"],
            doc_type=doc_type,
        )

    number = (_DIR_NUMBER if doc_type == "DIR" else _NUMBER).match(s, pos)
    if not number:
        raise _fail(text, f"after {s[:pos].strip()!r} expected a document number")
    part = number.groupdict().get("part") or None
    if part:
        part = part[1:] if part.startswith("-") else part
    pos = number.end()
    consolidated: list[Supplement] = []
    supplements: list[Supplement] = []
    suffix = None
    supplement_style: str | None = None
    edition_note = None
    while pos < len(s):
        if match := _CONSOLIDATED.match(s, pos):
            consolidated.append(Supplement(_kind(match), match["number"], match["year"]))
        elif match := _SUFFIX.match(s, pos):
            if suffix:
                raise _fail(text, f"two suffixes {suffix} and {match['suffix'].upper()}")
            suffix = match["suffix"].upper()
            pos = match.end()
            continue
        elif match := _SUPPLEMENT.match(s, pos):
            supplements.append(Supplement(_kind(match), match["number"], match["year"]))
            edition_note = match["edition"].upper() if match["edition"] else edition_note
        else:
            raise _fail(
                text,
                f"cannot read {s[pos:]!r} after {s[:pos]!r}: expected a supplement such as '/Amd 1:2024', "
                f"'/COR1:2021' or '+AMD1:2011', or a suffix ({', '.join(_SUFFIXES)})",
            )
        supplement_style = supplement_style or _style_of(match)
        pos = match.end()
    default_style = "iec" if groups and groups[-1][0] in ("IEC", "CISPR") else "iso"
    return StandardRef(
        tuple("/".join(g) for g in groups),
        number["number"].upper(),
        part=part.upper() if part else None,
        year=number["year"],
        doc_type=doc_type,
        stage=stage,
        division=division,
        iteration=number.groupdict().get("iteration"),
        consolidated=tuple(consolidated),
        suffix=suffix,
        supplements=tuple(supplements),
        style=supplement_style or style or default_style,
        edition_note=edition_note,
    )


def normalise(text: str) -> str:
    """The canonical spelling of a reference (``gb/t 24001—2016`` -> ``GB/T 24001-2016``)."""
    return parse(text).canonical


def format(ref: StandardRef) -> str:
    """The canonical spelling of a parsed reference."""
    return ref.canonical


def standard_iri(text: str) -> str:
    """IRI of the work a reference belongs to: ``sgid:standard/iso-14064-1``."""
    return parse(text).standard_iri


def edition_iri(text: str) -> str:
    """IRI of the document a reference names: ``sgid:edition/iso-14064-1_2018``."""
    return parse(text).edition_iri

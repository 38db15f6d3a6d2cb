"""Find the taxonomy's skills in job-posting text: one fast, rule-based multi-pattern matcher.

Rules (the same for the project taxonomy and for a user's own):

1. **Clean text first** (``data.posting_text``): HTML and boilerplate sections are removed
   before matching.
2. **Case-insensitive, word-boundary aware.** A match may not touch a letter or digit on either
   side; ``C`` is not found inside ``C++``/``C#`` (a following ``+`` or ``#`` continues the name);
   a match followed by ``.`` and a letter is part of a longer token (``Vue`` in ``Vue.js`` is
   left to the alias ``Vue.js``; ``.NET`` in ``ASP.NET`` or ``example.net`` does not count).
   A plain alias of three or more letters also matches with a trailing plural "s"
   ("impact assessments", "REST API" in "REST APIs").
3. **Longest match wins.** Overlapping candidates are resolved leftmost-longest, so
   "React Native" is not also "React" and "Objective-C" is not also "C".
4. **Short and ambiguous names.** An alias is *ambiguous* when it is a single letter or a common
   English word or name (the list in ``data/taxonomy/common_words.csv``: go, swift, rust, excel,
   spring, chef, …). Ambiguous aliases, and every alphabetic alias of one or two letters (AI, ML,
   UX), match only with a spelling written in the taxonomy or that spelling with a capital first
   letter (``Go`` but not ``go``; the alias ``pandas`` allows ``pandas`` and ``Pandas``).
   Ambiguous aliases also need *context* within ±``CONTEXT_CHARS`` characters: another,
   unambiguous skill mention or a technical cue word (developer, framework, spreadsheet, …).
   Single letters and ambiguous two-letter words (C, R, Go) need *strict context*: a
   programming cue word, an unambiguous skill of their own category (C next to Python), or at
   least two other skills. Ambiguous names never match inside a hyphen or ampersand compound
   (``C-suite``, ``Go-to-market``, ``R&D``). Unambiguous aliases (``Golang``,
   ``R programming``, ``Microsoft Excel``) always count.
5. **Ordinary English phrases.** An ambiguous alias never counts, whatever its context, when
   it is followed by one of the English continuations listed for that word in
   ``common_words.csv`` (column ``followed_by``: "Go to", "Go ahead", "Excel at", "Swift
   response", "Spring break", "Rust belt", "Spring and summer") or preceded by one of its
   ``preceded_by`` words ("Head Chef", "next Spring"). Continuations are whole words (or start
   with a symbol, "Spring/summer"), matched case-insensitively after optional spaces; the word
   after a continuation may not be a letter, digit or hyphen. The case rule above still applies
   first, so capitalisation is required *and* context; at the start of a sentence the capital
   letter is no evidence, which is why these phrases are excluded outright.
6. The title and the description are searched together; each skill counts once per posting.

Implementation: one Aho-Corasick automaton (pyahocorasick) over the lower-cased text for aliases of
three or more characters and those with symbols; one compiled regex for the short alphabetic ones.
This module imports no polars so that worker processes start fast.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick
from skillpulse.data.posting_text import clean_text

COMMON_WORDS_FILE = Path(__file__).parent / "taxonomy" / "common_words.csv"
CONTEXT_CHARS = 150

PLAIN, EXACT, CONTEXT, STRICT = 0, 1, 2, 3

# Words that mark technical text around an ambiguous name (lower case, whole words).
_CUES_STRICT = (
    "programming|programmer|programmers|language|languages|code|coding|codebase|compiler|compilers|"
    "developer|developers|development|engineer|engineers|engineering|software|backend|back-end|"
    "embedded|firmware|scripting|runtime|concurrency|goroutines|stdlib|statistical|statistics|"
    "cran|ggplot2|dplyr|tidyverse|pointers|memory management|systems programming"
)
_CUES_WORD = _CUES_STRICT + (
    "|framework|frameworks|library|libraries|stack|tools|tooling|skills|proficiency|proficient|"
    "spreadsheet|spreadsheets|formulas|macros|pivot|database|databases|pipelines|pipeline|"
    "cluster|clusters|deployment|deployments|infrastructure|api|apis|sdk|frontend|front-end|"
    "web|app|apps|applications|components|services|microservice|microservices|"
    "configuration management|orchestration|data|analytics|cloud|devops|ci/cd|testing|tests|"
    "automation|scripts"
)
# No leading look-behind: it would disable ``re``'s fast first-character scan (10× slower here);
# the character before a hit is checked in code instead.
# Applied to lower-cased text (IGNORECASE is several times slower in ``re``).
_CUE_STRICT_RE = re.compile(r"(?:" + _CUES_STRICT + r")(?![\w])")
_CUE_WORD_RE = re.compile(r"(?:" + _CUES_WORD + r")(?![\w])")


def _has_cue(pattern: re.Pattern[str], low: str, lo: int, hi: int) -> bool:
    """Whether a cue word starts within ``low[lo:hi]`` on a word boundary."""
    lo = max(0, lo)
    for m in pattern.finditer(low, lo, hi):
        s = m.start()
        if s == 0 or not (low[s - 1].isalnum() or low[s - 1] in "_-"):
            return True
    return False

@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The project's list of common English words and names that are also technology names."""
    return frozenset(common_phrases())


@lru_cache(maxsize=1)
def common_phrases() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per common word: the English continuations (``followed_by``) and the preceding words
    (``preceded_by``) that make it ordinary English (rule 5), lower-cased."""
    def split(cell: str | None) -> tuple[str, ...]:
        parts = {" ".join(p.split()).lower() for p in (cell or "").split("|")}
        return tuple(sorted((p for p in parts if p), key=len, reverse=True))

    with COMMON_WORDS_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["word"].strip().lower(): (split(row.get("followed_by")), split(row.get("preceded_by")))
                for row in csv.DictReader(fh) if (row["word"] or "").strip()}


def alias_mode(alias: str, words: frozenset[str] | None = None) -> int:
    """How strictly an alias must be matched (PLAIN, EXACT, CONTEXT or STRICT; see module rules)."""
    words = common_words() if words is None else words
    key = alias.strip().lower()
    alpha = key.isalpha()
    if alpha and len(key) == 1:
        return STRICT
    if key in words:
        return STRICT if len(key) <= 2 else CONTEXT
    if alpha and len(key) <= 2:
        return EXACT
    return PLAIN


@dataclass(frozen=True)
class _Entry:
    skill: int          # index into Matcher.skills
    key: str            # lower-cased alias
    length: int
    mode: int
    surfaces: frozenset[str]   # accepted spellings for EXACT/CONTEXT/STRICT
    plural: bool               # a trailing "s" may follow (plain aliases of 3+ letters)
    after: tuple[str, ...] = ()    # English continuations that rule the mention out (rule 5)
    before: tuple[str, ...] = ()   # English preceding words that rule it out
    after_first: frozenset[str] = frozenset()   # their first / last characters (a cheap pre-test)
    before_last: frozenset[str] = frozenset()


class AliasConflict(ValueError):
    """The same alias (case-insensitively) names two different skills."""

    def __init__(self, alias: str, first: str, second: str) -> None:
        self.alias, self.first, self.second = alias, first, second
        super().__init__(f"alias '{alias}' names two skills: '{first}' and '{second}'")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join((ch.lower() or ch)[0] for ch in text)


class Matcher:
    """Multi-pattern skill matcher built from ``(skill, category, alias)`` triples.

    Every skill's own name should be among its aliases. ``find(text)`` returns the indices of the
    skills found (into ``self.skills``), ``find_names(text)`` their names.
    """

    def __init__(self, triples: Iterable[tuple[str, str, str]], *,
                 words: frozenset[str] | None = None,
                 phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None) -> None:
        words = common_words() if words is None else words
        phrases = common_phrases() if phrases is None else phrases
        self.skills: list[str] = []
        self.categories: list[str] = []
        index: dict[str, int] = {}
        by_key: dict[str, tuple[int, set[str]]] = {}
        for skill, category, written in triples:
            alias = (written or "").strip()
            if not alias:
                continue
            sk = skill.strip()
            if sk.lower() not in index:
                index[sk.lower()] = len(self.skills)
                self.skills.append(sk)
                self.categories.append((category or "").strip().lower())
            idx = index[sk.lower()]
            key = _lower_same_length(alias)
            if key in by_key and by_key[key][0] != idx:
                raise AliasConflict(alias, self.skills[by_key[key][0]], sk)
            forms = by_key.setdefault(key, (idx, set()))[1]
            forms.add(alias)
            forms.add(alias[0].upper() + alias[1:])   # sentence case: "pandas" also as "Pandas"
        self._auto = ahocorasick.Automaton()
        short: dict[str, _Entry] = {}
        for key, (idx, surfaces) in by_key.items():
            mode = alias_mode(key, words)
            plural = mode == PLAIN and len(key) >= 3 and key[-1].isalpha() and key[-1] != "s"
            after, before = phrases.get(key, ((), ())) if mode >= CONTEXT else ((), ())
            entry = _Entry(idx, key, len(key), mode, frozenset(surfaces), plural, after, before,
                           frozenset(p[0] for p in after), frozenset(p[-1] for p in before))
            if key.isalpha() and len(key) <= 2:
                short[key] = entry
            else:
                # a tuple: unpacking is cheaper than attribute access in the hot loop
                self._auto.add_word(key, (entry.length, entry.plural, entry.mode, entry))
        self._has_auto = len(self._auto) > 0
        if self._has_auto:
            self._auto.make_automaton()
        self._short = {s: e for e in short.values() for s in e.surfaces}
        self._short_re = None
        if self._short:
            alts = "|".join(re.escape(s) for s in sorted(self._short, key=len, reverse=True))
            self._short_re = re.compile(r"(?:" + alts + r")(?![\w+#])")   # see _CUE_WORD_RE

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], categories: dict[str, str] | None = None
                   ) -> Matcher:
        """From ``(skill, alias)`` pairs (the skill's name is added as an alias)."""
        cats = categories or {}
        triples: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for skill, alias in pairs:
            if skill not in seen:
                seen.add(skill)
                triples.append((skill, cats.get(skill, ""), skill))
            triples.append((skill, cats.get(skill, ""), alias))
        return cls(triples)

    # -----------------------------------------------------------------------------------------
    def _candidates(self, text: str) -> list[tuple[int, int, _Entry]]:
        """Every word-bounded mention (rules 2, 4 and 5; overlaps are resolved by ``find``)."""
        out: list[tuple[int, int, _Entry]] = []
        low = _lower_same_length(text)
        if self._has_auto:
            self._automaton_candidates(text, low, out)
        if self._short_re is not None:
            self._short_candidates(text, low, out)
        return out

    def _automaton_candidates(self, text: str, low: str, out: list[tuple[int, int, _Entry]]) -> None:
        """Mentions of aliases of three or more characters or with symbols (Aho-Corasick)."""
        n = len(text)
        append = out.append
        for end, (length, plural, mode, entry) in self._auto.iter(low):
            start = end - length + 1
            e = end + 1
            if start > 0:
                p = text[start - 1]
                if p.isalnum() or p == "_":
                    continue
            if e < n:
                q = text[e]
                if q == "s" and plural and (e + 1 == n or not text[e + 1].isalnum()):
                    e += 1   # a plain plural: "data protection impact assessments"
                elif (q.isalnum() or q in "_+#"
                      or (q == "." and e + 1 < n and text[e + 1].isalnum())):
                    continue
            if mode != PLAIN:
                if text[start:end + 1] not in entry.surfaces:
                    continue
                if mode >= CONTEXT and (_compound(text, start, e)
                                        or _english_phrase(low, start, e, entry)):
                    continue
            append((start, e, entry))

    def _short_candidates(self, text: str, low: str, out: list[tuple[int, int, _Entry]]) -> None:
        """Mentions of short alphabetic aliases (one compiled regex)."""
        n = len(text)
        assert self._short_re is not None
        for m in self._short_re.finditer(text):
            s, e = m.span()
            if s > 0:
                p = text[s - 1]
                if p.isalnum() or p in "_.":
                    continue
            entry = self._short[m.group()]
            if entry.mode >= CONTEXT and (_compound(text, s, e) or _english_phrase(low, s, e, entry)):
                continue
            if e + 1 < n and text[e] == "." and text[e + 1].isalnum():
                continue
            out.append((s, e, entry))

    def find(self, text: str) -> list[int]:
        """Indices of the skills mentioned in already-cleaned text (see ``clean_text``)."""
        cands = self._candidates(text)
        if not cands:
            return []
        cands.sort(key=lambda c: (c[0], -c[1]))
        kept: list[tuple[int, int, _Entry]] = []
        last_end = -1
        for c in cands:
            if c[0] >= last_end:
                kept.append(c)
                last_end = c[1]
        found: dict[int, None] = {}
        pending: list[tuple[int, int, _Entry]] = []
        anchors: list[tuple[int, int]] = []     # (position, skill) of unambiguous mentions
        for s, e, entry in kept:
            if entry.mode >= CONTEXT:
                pending.append((s, e, entry))
            else:
                found[entry.skill] = None
                anchors.append((s, entry.skill))
        if pending:
            self._resolve_context(text, pending, anchors, found)
        return list(found)

    def _resolve_context(self, text: str, pending: list[tuple[int, int, _Entry]],
                         anchors: list[tuple[int, int]], found: dict[int, None]) -> None:
        """Keep ambiguous mentions that have context; CONTEXT names first, so that a confirmed
        one ("Rust" near "services") can in turn support a STRICT one ("Rust or Go")."""
        w = CONTEXT_CHARS
        low = _lower_same_length(text)
        for tier in (CONTEXT, STRICT):
            for s, e, entry in pending:
                if entry.mode != tier or entry.skill in found:
                    continue
                lo, hi = s - w, e + w
                near = {k for pos, k in anchors if lo <= pos <= hi and k != entry.skill}
                if tier == CONTEXT:
                    ok = bool(near) or _has_cue(_CUE_WORD_RE, low, lo, hi)
                else:
                    cat = self.categories[entry.skill]
                    ok = (len(near) >= 2 or (bool(cat) and any(self.categories[k] == cat for k in near))
                          or _has_cue(_CUE_STRICT_RE, low, lo, hi))
                if ok:
                    found[entry.skill] = None
                    anchors.append((s, entry.skill))

    def find_names(self, text: str, *, clean: bool = True) -> list[str]:
        """Names of the skills found in ``text`` (cleaned first unless ``clean`` is False)."""
        return [self.skills[i] for i in self.find(clean_text(text) if clean else text)]

    def extract_many(self, texts: Sequence[str]) -> list[list[int]]:
        """Skill indices per raw posting text (HTML/boilerplate cleaning included)."""
        find = self.find
        return [find(clean_text(t)) if t else [] for t in texts]


def _compound(text: str, s: int, e: int) -> bool:
    """True when an ambiguous name is glued into a compound: 'C-suite', 'Go-to', 'R&D', 'x-Go'."""
    if s > 0 and text[s - 1] in "-&":
        return True
    if e < len(text):
        q = text[e]
        if q == "&":
            return True
        if q == "-" and e + 1 < len(text) and text[e + 1].isalnum():
            return True
    return False


def _english_phrase(low: str, s: int, e: int, entry: _Entry) -> bool:
    """True when the mention ``low[s:e]`` is part of an ordinary English phrase (rule 5)."""
    n = len(low)
    if entry.after:
        i = e
        while i < n and low[i] in " \t":
            i += 1
        for p in (entry.after if i < n and low[i] in entry.after_first else ()):
            j = i + len(p)
            if ((i > e or not p[0].isalnum()) and low.startswith(p, i)
                    and (j >= n or not (low[j].isalnum() or low[j] == "-"))):
                return True
    if entry.before:
        i = s
        while i > 0 and low[i - 1] in " \t":
            i -= 1
        for p in (entry.before if i > 0 and low[i - 1] in entry.before_last else ()):
            k = i - len(p)
            if ((i < s or not p[-1].isalnum()) and k >= 0 and low.startswith(p, k)
                    and (k == 0 or not low[k - 1].isalnum())):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# Worker-process helpers (multiprocessing): one matcher per process, built once.
_WORKER: Matcher | None = None


def init_worker(triples: list[tuple[str, str, str]]) -> None:
    global _WORKER  # noqa: PLW0603  (the per-process matcher, set once by the pool initializer)
    _WORKER = Matcher(triples)


def worker_extract(texts: list[str]) -> list[list[int]]:
    assert _WORKER is not None, "init_worker was not called"
    return _WORKER.extract_many(texts)

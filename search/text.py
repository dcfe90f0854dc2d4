"""Text helpers shared by the search backends: folding, words, stems and query parsing.

Everything here is pure Python and safe on any input: what a person types is turned into
plain words (letters, digits, ``_``) before a backend builds its own query syntax from
them, so no character of the input ever reaches ``MATCH`` or ``to_tsquery`` as syntax.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

try:  # pure Python, declared in setup.cfg; stemming degrades to identity without it
    import snowballstemmer
except ImportError:  # pragma: no cover - exercised only on a broken install
    snowballstemmer = None

LANGUAGES = ("french", "english")
_LANGUAGE_NAMES = {"fr": "french", "en": "english"}
_WORD = re.compile(r"\w+")
_PHRASE = re.compile(r'"([^"]*)"')
_stemmers: dict[str, object] = {}
# Snowball stemmers keep state while stemming: one word at a time, whatever the threads.
_lock = threading.Lock()
#: The longest word stemmed or searched: longer "words" are noise (hashes, base64).
MAX_WORD = 60
#: At most this many words and phrases of a query are used.
MAX_QUERY_WORDS = 12


def fold(text: str) -> str:
    """Lowercase, without accents: ``"Événement"`` -> ``"evenement"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of ``text`` (letters, digits and ``_``), lowercased, accents kept."""
    return [word[:MAX_WORD] for word in _WORD.findall((text or "").lower())]


def _stemmer(language: str):
    language = _LANGUAGE_NAMES.get(language, language)
    if language not in _stemmers:
        _stemmers[language] = snowballstemmer.stemmer(language) if snowballstemmer else None
    return _stemmers[language]


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "french") -> str:
    """The folded stem of one word: stemmed with its accents (the stemmers need them),
    then folded. ``stem("événements") == stem("evenements") == "even"``."""
    word = word.lower()
    stemmer = _stemmer(language)
    if stemmer is not None:
        with _lock:
            word = stemmer.stemWord(word)
    return fold(word)


def word_stems(word: str) -> list[str]:
    """The French and English stems of one word (one when they agree)."""
    french, english = stem(word, "french"), stem(word, "english")
    return [french] if french == english else [french, english]


def stems(text: str) -> str:
    """Space-joined French and English stems of every word of ``text`` (for the SQLite
    stem columns)."""
    return " ".join(s for word in words(text) for s in word_stems(word))


@dataclass
class ParsedQuery:
    #: Words every document must hold (lowercase, accents kept), without the prefix.
    terms: list[str] = field(default_factory=list)
    #: Quoted phrases: their words, in order.
    phrases: list[list[str]] = field(default_factory=list)
    #: The last bare word, matched as a prefix ("lef" finds "Lefèvre").
    prefix: str | None = None

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.prefix)

    @property
    def all_words(self) -> list[str]:
        found = list(self.terms)
        for phrase in self.phrases:
            found.extend(phrase)
        if self.prefix:
            found.append(self.prefix)
        return found


def parse(q: str) -> ParsedQuery:
    """Words, ``"quoted phrases"`` and a prefix (the last bare word, unless the text ends
    with a space or a phrase). Every other character is a separator: quotes left open,
    ``*``, ``(``, ``:``, ``-``, ``AND``/``NEAR`` (plain words here) are harmless."""
    q = (q or "")[:1000]
    parsed = ParsedQuery()
    bare: list[str] = []
    last_is_bare = False
    position = 0
    for match in _PHRASE.finditer(q):
        before = words(q[position : match.start()])
        bare.extend(before)
        phrase = words(match.group(1))
        if len(phrase) > 1:
            parsed.phrases.append(phrase)
            last_is_bare = False
        elif phrase:
            bare.extend(phrase)
            last_is_bare = False
        position = match.end()
    tail = q[position:].replace('"', " ")
    tail_words = words(tail)
    bare.extend(tail_words)
    if tail_words:
        last_is_bare = not tail[-1:].isspace() and not tail.rstrip().endswith(('"',))
    seen = set()
    unique = []
    for word in bare:
        if word not in seen:
            seen.add(word)
            unique.append(word)
    if last_is_bare and unique and bare[-1] == unique[-1]:
        parsed.prefix = unique.pop()
    parsed.terms = unique
    # Bound the work a single query can ask for.
    parsed.phrases = [phrase[:MAX_QUERY_WORDS] for phrase in parsed.phrases[:MAX_QUERY_WORDS]]
    parsed.terms = parsed.terms[: max(0, MAX_QUERY_WORDS - len(parsed.phrases))]
    return parsed

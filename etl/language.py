"""Language identification: langdetect on a bounded sample, reconciled with the page's
declared language."""

from __future__ import annotations

import re
import threading

__all__ = ["detect_language", "normalize_lang_tag"]

_lock = threading.Lock()
_ready = False

# Below this many characters langdetect is unreliable; the declaration wins if present.
_SHORT_TEXT = 200


def _init() -> None:
    global _ready
    with _lock:
        if not _ready:
            from langdetect import DetectorFactory
            from langdetect.detector_factory import init_factory

            DetectorFactory.seed = 0  # langdetect is randomized; a fixed seed makes it repeatable
            # langdetect publishes its global factory before loading the profiles; loading
            # it here, under our lock, keeps two threads from seeing a half-built factory.
            init_factory()
            _ready = True


_TAG = re.compile(r"^[a-zA-Z]{2,3}")


def normalize_lang_tag(tag: str | None) -> str | None:
    """``en-GB`` → ``en``; ``zh_CN`` → ``zh``; garbage → None."""
    if not tag:
        return None
    m = _TAG.match(tag.strip())
    return m.group(0).lower() if m else None


def detect_language(
    text: str, declared: str | None = None, sample_chars: int = 3000
) -> tuple[str | None, float]:
    """Return ``(language, confidence)`` for ``text``.

    langdetect runs on at most ``sample_chars`` characters taken from the start and the middle
    of the text (cost stays flat for long articles). The declared language (``<html lang>``,
    meta) is used when the text is too short, and breaks near-ties; a confident detection
    overrides a wrong declaration. Confidence is langdetect's probability (1.0 when only the
    declaration is available and the text is too short to check, reported as 0.5).
    """
    _init()
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    decl = normalize_lang_tag(declared)
    text = text.strip()
    if len(text) > sample_chars:
        half = sample_chars // 2
        mid = len(text) // 2
        text = text[:half] + "\n" + text[mid : mid + half]
    if len(text) < _SHORT_TEXT and decl:
        return decl, 0.5
    try:
        candidates = detect_langs(text)
    except LangDetectException:
        return decl, 0.5 if decl else 0.0
    if not candidates:
        return decl, 0.0
    best = candidates[0]
    best_lang = normalize_lang_tag(best.lang)
    if decl and best_lang != decl:
        for cand in candidates[1:]:
            # The page's own declaration settles a near tie (e.g. uk vs ru, da vs no).
            if normalize_lang_tag(cand.lang) == decl and best.prob - cand.prob < 0.3:
                return decl, round(float(cand.prob), 4)
    return best_lang, round(float(best.prob), 4)

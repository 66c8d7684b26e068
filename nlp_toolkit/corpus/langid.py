"""Language of a segment: ru, ky, mixed, or other (Kazakh, English, no words).

Evidence per word: letters only Kyrgyz has (ң ө ү), letters only Kazakh has (ә ғ қ ұ һ і), function
words of each language, Kyrgyz suffix chains, and whether pymorphy3's Russian dictionary knows the word.
Sentences are decided first, then the segment: Russian and Kyrgyz sentences together make `mixed`;
Russian loanwords inside Kyrgyz sentences do not.
"""

from __future__ import annotations

import functools

from razdel import sentenize

from ..kyrgyz import is_suffix_chain
from ..morph import is_known
from ..text import fold, normalise, words

KY_LETTERS = set("ңөү")
KK_LETTERS = set("әғқұһі")
KY_WORDS = set("""жана менен деп бир бул ал мен биз алар сен силер эмес болуп экен келди берди керек үчүн
эле да дагы бар жок ооба макул эмне кантип качан кайда ким канча мага бизге аларга ага анан андан кийин
чейин бирок эгер азыр ошол ошондо ушул тигил өзү бардык баары иштедик иштедим келдик бардык болду болчу
эч абдан көп аз жакшы жаман айтты деди алып берип кетти келип жатат жатабыз жүрдүк""".split())
RU_WORDS = set("""и в во не на я он она они мы вы что как это так но а же ну вот бы ли за по из от до у о об
с со к ко для при без под над про когда где там тут здесь уже ещё еще только очень потом тоже было был была
были есть нет да нас нам нами мне меня мой моя мои его ее её их всё все этот эта эти который которые
чтобы если или даже""".split())
KK_WORDS = set("және мен бұл емес деген үшін болды еді бар жоқ қазір".split())


def _word_votes(word: str) -> tuple[float, float, float]:
    """(ru, ky, kk) evidence of one lower-case word."""
    letters = set(word)
    if letters & KK_LETTERS:
        return 0.0, 0.0, 2.0
    if word in KK_WORDS and word not in KY_WORDS:
        return 0.0, 0.0, 1.0
    if letters & KY_LETTERS or word in KY_WORDS:
        return 0.0, 2.0, 0.0
    if word in RU_WORDS:
        return 2.0, 0.0, 0.0
    if is_known(word):
        return 1.0, 0.0, 0.0
    if len(word) > 4 and any(is_suffix_chain(word[i:]) for i in range(3, len(word) - 1)):
        return 0.0, 0.7, 0.0
    return 0.2, 0.3, 0.0


def _votes(text: str) -> tuple[float, float, float, int]:
    ru = ky = kk = 0.0
    n = 0
    for _, _, w in words(text):
        if not any("а" <= ch <= "я" or ch in "ёңөүәғқұһі" for ch in w.lower()):
            continue
        r, k, z = _word_votes(fold(w))
        ru, ky, kk, n = ru + r, ky + k, kk + z, n + 1
    return ru, ky, kk, n


def _sentence_lang(text: str) -> str | None:
    ru, ky, kk, n = _votes(text)
    if n == 0:
        return None
    if kk > 0 and kk >= ky:
        return "other"
    return "ky" if ky >= ru * 0.6 else "ru"


class LanguageIdentifier:
    """ru / ky / mixed / other for a segment, from per-sentence decisions."""

    def scores(self, text: str) -> dict[str, float]:
        ru, ky, kk, n = _votes(normalise(text))
        return {"ru": ru, "ky": ky, "kk": kk, "words": n}

    def detect(self, text: str) -> str:
        text = normalise(text)
        sizes: dict[str, int] = {}
        for sent in sentenize(text):
            lang = _sentence_lang(sent.text)
            if lang:
                sizes[lang] = sizes.get(lang, 0) + len(sent.text)
        if not sizes:
            return "other"
        total = sum(sizes.values())
        ru, ky = sizes.get("ru", 0), sizes.get("ky", 0)
        if ru and ky and min(ru, ky) >= 0.15 * total:
            return "mixed"
        return max(sizes, key=sizes.get)


@functools.lru_cache(maxsize=1)
def _default() -> LanguageIdentifier:
    return LanguageIdentifier()


def detect_language(text: str) -> str:
    return _default().detect(text)

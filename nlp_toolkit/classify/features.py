"""Text -> lemma tokens for Russian and Kyrgyz in one pass, so one model serves both languages.

A word pymorphy3 knows becomes its Russian lemma; any other word (Kyrgyz, names, typos) its
Kyrgyz stem. Code-switched segments thus share features with both languages. Measured against one
model per language (eval/codes.py --per-language, 1 482 gold segments, grouped CV of tfidf_lr+cues):
Russian segments micro-F1 0.743 joint vs 0.737 Russian-only, Kyrgyz 0.751 joint vs 0.729 Kyrgyz-only;
the languages share loanwords, names and the cue phrases' topics, and each has too few segments alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from ..kyrgyz import stem
from ..morph import is_known, lemma
from ..text import fold, normalise, words

KY_LETTERS = set("ңөү")


@functools.lru_cache(maxsize=300_000)
def word_lemma(word: str) -> str:
    w = fold(word)
    if KY_LETTERS & set(w) or not is_known(w):
        return stem(w)
    return lemma(w)


# Where a text's sentences end (model.passages cuts long texts into runs of them).
SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+")


@functools.lru_cache(maxsize=32_768)  # cross-validation lemmatises each text once per fold
def lemma_text(text: str) -> str:
    """Lemmas/stems of the words in `text`, lower-case, in order, joined by spaces. Read sentence by
    sentence: the passages of a long text are runs of its sentences, so each is lemmatised once."""
    sentences = SENTENCE_END.split(text)
    if len(sentences) == 1:  # a segment's tokens, which the other stages remember too
        return _lemmas(text, remember=True)
    return " ".join(filter(None, map(_sentence_lemmas, sentences)))


@functools.lru_cache(maxsize=65_536)
def _sentence_lemmas(sentence: str) -> str:
    return _lemmas(sentence, remember=False)  # a piece of a segment would push segments out of text.py's memory


def _lemmas(text: str, remember: bool) -> str:
    return " ".join(word_lemma(w) for _, _, w in words(normalise(text, remember), remember))


class CountedTfidf(BaseEstimator, TransformerMixin):
    """Fits like `vectorizer` (a TfidfVectorizer) and leaves a fitted copy of it, but counts each
    distinct text's n-grams once per process.

    Cross-validation fits on four fifths of the same texts five times, then on all of them; counting
    character n-grams again each time was 40 % of training on 5 000 segments. Each fit still takes its
    vocabulary (min_df, max_df) and idf from its own texts only, so the fitted vectoriser equals the one
    `vectorizer.fit` would give, and a saved model does not need this cache.
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer

    def fit(self, texts: list[str], y=None) -> "CountedTfidf":
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: list[str], y=None):
        v = self.vectorizer
        if v.vocabulary is not None or v.max_features is not None:
            raise ValueError("CountedTfidf chooses the vocabulary itself: leave vocabulary and max_features unset")
        table = _count_table(v)
        counts = table.matrix(texts)
        n = len(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        low = v.min_df if isinstance(v.min_df, Integral) else v.min_df * n
        high = v.max_df if isinstance(v.max_df, Integral) else v.max_df * n
        kept = np.flatnonzero((df >= low) & (df <= high))
        if not len(kept):
            raise ValueError("no n-gram occurs in enough texts; lower min_df or add texts")
        names = [table.names[g] for g in kept]
        order = sorted(range(len(names)), key=names.__getitem__)  # sklearn's column order: the same fit
        X = counts[:, kept[order]].astype(v.dtype)
        if v.binary:
            X.data[:] = 1
        idf = TfidfTransformer(norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf,
                               sublinear_tf=v.sublinear_tf).fit(X)
        self.vectorizer_ = clone(v)
        self.vectorizer_.vocabulary_ = {names[i]: col for col, i in enumerate(order)}
        if v.use_idf:
            self.vectorizer_.idf_ = idf.idf_
        else:
            self.vectorizer_.fixed_vocabulary_ = False
        return idf.transform(X)

    def transform(self, texts: list[str]):
        v = self.vectorizer_
        if v.analyzer != "char_wb":
            return v.transform(texts)
        return v._tfidf.transform(self._char_wb_counts(texts), copy=False)  # what v.transform does after counting

    WORD_CACHE = 200_000  # distinct words remembered (their columns); then start afresh

    def _char_wb_counts(self, texts: list[str]) -> sp.csr_matrix:
        """`CountVectorizer.transform` for character n-grams inside words, each distinct word's columns
        looked up once and each distinct sentence counted once: tagging reads the same few thousand
        words over and over, and a long segment's passages (model.passages) repeat its sentences.
        Generating and looking up n-grams was a third of tagging time."""
        v = self.vectorizer_
        split, analyse, vocabulary = char_wb_words(v), v.build_analyzer(), v.vocabulary_
        cache: dict[str, list[int]] = self.__dict__.setdefault("_word_columns", {})
        if len(cache) > self.WORD_CACHE:
            cache.clear()
        sentences: dict[str, int] = {}  # distinct sentence -> its row in S
        in_text: list[int] = []  # P, the texts x sentences incidence matrix: its column indices ...
        text_ptr = [0]  # ... and row pointers
        for text in texts:
            in_text.extend(sentences.setdefault(s, len(sentences)) for s in SENTENCE_END.split(text))
            text_ptr.append(len(in_text))
        columns: list[int] = []
        indptr = [0]
        for sentence in sentences:
            for word in split(sentence):
                cols = cache.get(word)
                if cols is None:  # the analyser on one preprocessed word: its n-grams, as in the whole text
                    cols = cache[word] = [vocabulary[g] for g in analyse(word) if g in vocabulary]
                columns.extend(cols)
            indptr.append(len(columns))
        S = sp.csr_matrix((np.ones(len(columns), dtype=v.dtype), np.array(columns, dtype=np.int64), indptr),
                          shape=(len(sentences), len(vocabulary)))
        P = sp.csr_matrix((np.ones(len(in_text), dtype=v.dtype), np.array(in_text, dtype=np.int64), text_ptr),
                          shape=(len(texts), len(sentences)))
        X = (P @ S).tocsr()
        X.sum_duplicates()
        if v.binary:
            X.data[:] = 1
        return X

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_word_columns", None)  # a cache, not part of the model
        return state


def char_wb_words(v: TfidfVectorizer) -> Callable[[str], list[str]]:
    """Text -> its preprocessed words. Character n-grams inside words (char_wb) never cross a space, so
    the analyser on each of these words gives the n-grams of the whole text, word by word."""
    preprocess = v.build_preprocessor()
    return lambda text: preprocess(v.decode(text)).split()


class _CountTable:
    """n-gram counts per text under one n-gram index that grows as texts arrive.

    With `words` (character n-grams inside words), a text's n-grams are those of its words, so each
    distinct word is analysed once: the texts of one training set share most of their words."""

    MAX_TEXTS = 100_000  # then start afresh: a bound for long-lived processes, far above one training run

    def __init__(self, analyse: Callable[[str], list[str]], words: Callable[[str], list[str]] | None = None) -> None:
        self.analyse, self.words = analyse, words
        self.index: dict[str, int] = {}
        self.names: list[str] = []
        self.rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.word_ids: dict[str, list[int]] = {}

    def ids(self, piece: str) -> list[int]:
        """Index of each n-gram of `piece`, new n-grams added."""
        index, names = self.index, self.names
        out = []
        for gram in self.analyse(piece):
            g = index.get(gram)
            if g is None:
                g = index[gram] = len(names)
                names.append(gram)
            out.append(g)
        return out

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        if text not in self.rows:
            if self.words is None:
                ids = self.ids(text)
            else:
                ids = []
                for word in self.words(text):
                    cached = self.word_ids.get(word)
                    if cached is None:
                        cached = self.word_ids[word] = self.ids(word)
                    ids.extend(cached)
            self.rows[text] = np.unique(np.array(ids, dtype=np.int64), return_counts=True)
        return self.rows[text]

    def matrix(self, texts: list[str]) -> sp.csr_matrix:
        if len(self.rows) + len(texts) > self.MAX_TEXTS:
            self.index, self.names, self.rows, self.word_ids = {}, [], {}, {}
        rows = [self.row(t) for t in texts]
        indptr = np.concatenate([[0], np.cumsum([len(ids) for ids, _ in rows])])
        indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        data = np.concatenate([c for _, c in rows]) if rows else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix((data, indices, indptr), shape=(len(texts), len(self.names)))


_TABLES: dict[str, _CountTable] = {}


def _count_table(v: TfidfVectorizer) -> _CountTable:
    """One table per analyser setting (the parameters that decide which n-grams a text has)."""
    params = v.get_params()
    key = repr([(k, params[k]) for k in sorted(params) if k not in TFIDF_ONLY])
    if key not in _TABLES:
        _TABLES[key] = _CountTable(v.build_analyzer(), char_wb_words(v) if v.analyzer == "char_wb" else None)
    return _TABLES[key]


TFIDF_ONLY = {"min_df", "max_df", "max_features", "vocabulary", "dtype", "norm", "use_idf", "smooth_idf", "sublinear_tf", "binary"}

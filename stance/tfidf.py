"""TF-IDF with a faster transform.

:class:`FastTfidfVectorizer` is scikit-learn's ``TfidfVectorizer`` whose ``transform`` returns the
same matrix, faster, for the word and ``char_wb`` analysers the stance pipeline uses.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

__all__ = ["FastTfidfVectorizer"]


class FastTfidfVectorizer(TfidfVectorizer):
    """scikit-learn's ``TfidfVectorizer`` with a faster, identical ``transform``.

    For ``analyzer="char_wb"``: n-grams never cross a space, so a text's counts are the sums of its
    words' counts; each lower-cased word's n-grams are looked up once and kept in a cache. For
    ``analyzer="word"``: tokens come from one ``findall`` of the token pattern and the n-grams from
    joining neighbouring tokens, looked up in the vocabulary without the per-n-gram Python loop.
    Either way the counts are added up with NumPy/SciPy, and the matrix returned is exactly the one
    ``TfidfVectorizer.transform`` returns (the tests check this). Fitting, the parameters, other
    analysers, stop words, a custom preprocessor or tokenizer and other input types are left to
    ``TfidfVectorizer`` unchanged. The cache is not saved with the model.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> docs = ["xholder condemned xtarget", "trade with xtarget grew"]
    >>> fast = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    >>> slow = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    >>> bool(abs(fast.transform(docs) - slow.transform(docs)).max() == 0)
    True
    """

    _CACHE_LIMIT = 200_000

    def _fast_path(self) -> str | None:
        if not (self.input == "content" and self.lowercase and self.preprocessor is None
                and self.tokenizer is None and self.strip_accents is None):
            return None
        if self.analyzer == "char_wb":
            return "char_wb"
        if self.analyzer == "word" and self.stop_words is None and \
                re.compile(self.token_pattern).groups == 0:
            return "word"
        return None

    def transform(self, raw_documents: Any) -> Any:
        """Transform texts to the TF-IDF matrix (see ``TfidfVectorizer.transform``)."""
        path = None if isinstance(raw_documents, str) else self._fast_path()
        if path is None:
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        docs = list(raw_documents)
        if not all(type(d) is str for d in docs):
            return super().transform(docs)
        import scipy.sparse as sp

        cols, lengths = (self._char_wb_columns if path == "char_wb" else self._word_columns)(docs)
        # the columns come row by row: the row pointers are their running count, so the matrix is
        # built as CSR directly (no COO triplets); summing the duplicates sorts each row's columns
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        counts = sp.csr_matrix((np.ones(len(cols), dtype=self.dtype), cols, indptr),
                               shape=(len(docs), len(self.vocabulary_)), dtype=self.dtype)
        counts.sum_duplicates()
        if self.binary:
            counts.data.fill(1)
        return self._tfidf.transform(counts, copy=False)

    def _char_wb_columns(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        cache = self.__dict__.get("_word_ngrams")
        if cache is None or len(cache) > self._CACHE_LIMIT:
            cache = self.__dict__["_word_ngrams"] = {}
        parts: list[np.ndarray] = []
        lengths = np.zeros(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            total = 0
            for word in doc.lower().split():
                found = cache.get(word)
                if found is None:
                    found = cache[word] = self._word_indices(word)
                parts.append(found)
                total += len(found)
            lengths[i] = total
        cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return cols, lengths

    def _word_indices(self, word: str) -> np.ndarray:
        """Vocabulary indices of one word's padded n-grams, repeated as often as they occur."""
        vocabulary = self.vocabulary_
        min_n, max_n = self.ngram_range
        w = f" {word} "
        w_len = len(w)
        found = []
        for n in range(min_n, max_n + 1):
            offset = 0
            grams = [w[offset:offset + n]]
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset:offset + n])
            found += [vocabulary[g] for g in grams if g in vocabulary]
            if offset == 0:  # a word shorter than n counts once, as scikit-learn does
                break
        return np.array(found, dtype=np.int32)

    def _word_columns(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.vocabulary_.get
        findall = re.compile(self.token_pattern).findall
        min_n, max_n = self.ngram_range
        cols: list[int] = []
        lengths = np.zeros(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            tokens = findall(doc.lower())
            before = len(cols)
            for n in range(min_n, min(max_n, len(tokens)) + 1):
                grams = tokens if n == 1 else map(" ".join, zip(*(tokens[k:] for k in range(n))))
                cols += [j for j in map(get, grams) if j is not None]
            lengths[i] = len(cols) - before
        return np.array(cols, dtype=np.int32), lengths

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_word_ngrams", None)
        return state

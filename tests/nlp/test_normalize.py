"""Sentence features scaled to unit length: what sklearn's l2 `normalize` gives, rows of zeros kept."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from nlp.normalize import unit_rows


def test_rows_are_scaled_as_sklearn_scales_them() -> None:
    rng = np.random.default_rng(0)
    for seed in range(50):
        counts = np.round(sp.random(3, 400, density=rng.uniform(0.005, 0.3), random_state=seed).toarray() * 9)
        counts[1] = 0  # a row of zeros stays zeros
        matrix = sp.coo_matrix(counts)
        ours, theirs = unit_rows(matrix), normalize(matrix, norm="l2")
        assert isinstance(ours, sp.csr_matrix) and ours.shape == theirs.shape
        assert np.allclose(ours.toarray(), theirs.toarray(), rtol=1e-12, atol=0)
        assert ours[1].nnz == 0
        lengths = np.sqrt(np.asarray(ours.multiply(ours).sum(axis=1)).ravel())
        assert np.allclose(lengths[[0, 2]], 1.0) or not counts[[0, 2]].any()


def test_the_input_is_left_as_it_was() -> None:
    matrix = sp.csr_matrix(np.array([[3.0, 4.0, 0.0]]))
    assert unit_rows(matrix).toarray().tolist() == [[0.6, 0.8, 0.0]]
    assert matrix.toarray().tolist() == [[3.0, 4.0, 0.0]]


def test_scaling_to_a_length_is_the_unit_rows_times_that_length() -> None:
    matrix = sp.coo_matrix(np.array([[1.0, 2.0, 0.0, 7.0], [0.0, 0.0, 0.0, 0.0], [5.0, 0.0, 3.0, 1.0]]))
    assert (unit_rows(matrix, 16.0) != unit_rows(matrix) * 16.0).nnz == 0  # the very same floats

"""The NumPy helpers of sim.model.arrays give exactly what the NumPy calls they replace give."""

import numpy as np
import pytest

from sim.model.arrays import LEXSORT_WHOLE_FROM, add_at, lexsort_whole, nonzero_cells


def _random_keys(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    keys = []
    for _ in range(rng.integers(1, 5)):
        kind = rng.integers(0, 4)
        if kind == 0:
            keys.append(rng.random(n) < 0.5)
        elif kind == 1:
            keys.append(rng.integers(0, rng.integers(1, 50), n))
        elif kind == 2:  # whole months as floats
            keys.append(np.floor(rng.uniform(0, rng.integers(1, 200), n)))
        else:  # fractional and negative: NumPy's own lexsort
            keys.append(rng.uniform(-1, 5, n))
    return tuple(keys)


@pytest.mark.parametrize("seed", range(5))
def test_lexsort_whole_orders_as_lexsort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(50):
        keys = _random_keys(rng, int(rng.integers(0, 3 * LEXSORT_WHOLE_FROM)))
        assert np.array_equal(lexsort_whole(keys), np.lexsort(keys))


def test_lexsort_whole_falls_back_on_nan_and_wide_keys() -> None:
    with_nan = (np.tile([1.0, np.nan, 0.0, 2.0, 0.0], LEXSORT_WHOLE_FROM),)
    assert np.array_equal(lexsort_whole(with_nan), np.lexsort(with_nan))
    rng = np.random.default_rng(0)
    wide = tuple(np.floor(rng.uniform(0, 1e9, LEXSORT_WHOLE_FROM)) for _ in range(3))
    assert np.array_equal(lexsort_whole(wide), np.lexsort(wide))


def test_nonzero_cells_is_nonzero() -> None:
    mask = np.random.default_rng(1).random((1000, 6)) < 0.3
    rows, cols = nonzero_cells(mask)
    expected_rows, expected_cols = np.nonzero(mask)
    assert np.array_equal(rows, expected_rows) and np.array_equal(cols, expected_cols)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint16])
def test_add_at_is_ufunc_at(seed: int, dtype) -> None:
    """Repeated cells, 1-D to 3-D targets, adding and subtracting: the same array, bit for bit."""
    rng = np.random.default_rng(seed)
    for shape in ((50,), (30, 6), (20, 14, 16)):
        start = (rng.random(shape) * 100 + 50).astype(dtype)
        n = 500
        index = tuple(rng.integers(0, size, n) for size in shape)
        values = (rng.random(n) * 3).astype(dtype) if dtype is np.float64 else 1
        for subtract in (False, True):
            ours, theirs = start.copy(), start.copy()
            add_at(ours, index if len(shape) > 1 else index[0], values, subtract=subtract)
            (np.subtract if subtract else np.add).at(theirs, index, values)
            assert ours.dtype == theirs.dtype
            assert np.array_equal(ours, theirs)

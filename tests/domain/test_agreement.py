"""Agreement arithmetic, pure: exact, within-one, quadratic-weighted kappa, biggest gaps."""

from __future__ import annotations

import pytest

from trainer.domain.agreement import (
    Agreement,
    Disagreement,
    agreement,
    biggest_disagreements,
    quadratic_kappa,
)


def test_perfect_agreement_is_one_and_everything_matches():
    pairs = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert agreement(pairs) == Agreement(n=5, exact=1.0, within_one=1.0, kappa=1.0)


def test_a_worked_example_by_hand():
    # labels 0,1,2,3 ; scorer 0,2,2,4: observed squared gaps 0+1+0+1 = 2.
    # rows (labels) 1,1,1,1 at 0..3; cols (scorer) 1 at 0, 2 at 2, 1 at 4; n = 4.
    # expected = sum((i-j)^2 * row_i * col_j) / n = (0+8+16 + 1+2+9 + 4+0+4 + 9+2+1) / 4 = 14
    pairs = [(0, 0), (1, 2), (2, 2), (3, 4)]
    result = agreement(pairs)
    assert result.n == 4 and result.exact == 0.5 and result.within_one == 1.0
    assert result.kappa == pytest.approx(1 - 2 / 14)


def test_kappa_is_symmetric_and_punishes_wide_gaps_more():
    pairs = [(0, 1), (2, 2), (4, 3), (3, 3), (1, 0)]
    assert quadratic_kappa(pairs) == pytest.approx(quadratic_kappa([(b, a) for a, b in pairs]))
    near = [(0, 1), (1, 1), (2, 2), (3, 3), (4, 4)]
    far = [(0, 4), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert quadratic_kappa(near) > quadratic_kappa(far)


def test_systematic_disagreement_is_below_zero():
    assert quadratic_kappa([(0, 4), (4, 0), (1, 3), (3, 1)]) < 0


def test_no_pairs_and_one_shared_level_have_no_kappa():
    assert agreement([]) == Agreement(0, None, None, None)
    assert quadratic_kappa([(3, 3), (3, 3)]) is None  # chance explains it all: undefined
    assert agreement([(3, 3), (3, 3)]).exact == 1.0


@pytest.mark.parametrize("pair", [(5, 1), (-1, 0), (None, 2), (True, 1), (2.0, 2)])
def test_levels_outside_the_rubric_are_refused(pair):
    with pytest.raises(ValueError, match="whole number 0 to 4"):
        agreement([pair])


def test_biggest_disagreements_widest_first_then_in_the_order_given():
    items = [(10, 3, 3), (11, 1, 2), (12, 4, 0), (13, 0, 2), (14, 2, 0)]
    found = biggest_disagreements(items, limit=3)
    assert found == [Disagreement(12, 4, 0), Disagreement(13, 0, 2), Disagreement(14, 2, 0)]
    assert [d.gap for d in found] == [4, 2, 2]
    assert biggest_disagreements([(1, 2, 2)]) == []

"""The scaling tests' judge: it must pass a linear step and fail a quadratic one, measured for real."""

from __future__ import annotations

from ansible_collections.tlsguard.windows.tests.harness.growth import exponent, grows_linearly, growth


def linear(n: int):
    data = list(range(n))
    return lambda: sum(data)


def quadratic(n: int):
    data = list(range(n))
    return lambda: [x for x in data for _y in data]


def test_a_linear_step_passes_and_a_quadratic_one_fails():
    assert grows_linearly(growth(linear, 20_000))
    assert not grows_linearly(growth(quadratic, 300))


def test_one_noisy_size_cannot_fail_a_linear_step():
    assert round(exponent((2.0, 4.0)), 2) == 1.0
    assert round(exponent((4.0, 16.0)), 2) == 2.0
    assert grows_linearly((2.9, 4.1))  # the 2x run was slowed down; 4x says linear

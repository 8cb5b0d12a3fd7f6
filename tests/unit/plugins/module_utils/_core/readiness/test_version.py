from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.version import Version, version_or_none


@pytest.mark.parametrize("low, high", [("12.0.4439.0", "12.0.4439.1"), ("15.1.999.9", "15.1.1466.3"),
                                       ("9.0", "10.0"), ("1.4.37.99", "1.4.38.0"), ("11.0.6518", "11.0.6518.1"),
                                       ("10.50.6542.0", "11.0")])
def test_numeric_per_component_order(low, high):
    assert Version.parse(low) < Version.parse(high)
    assert Version.parse(high) > Version.parse(low) and Version.parse(high) != Version.parse(low)


@pytest.mark.parametrize("one, other", [("15.01.1466.003", "15.1.1466.3"), ("12.0.4439", "12.0.4439.0"),
                                        (" 13.0 ", "13.0.0.0")])
def test_equal_forms_compare_and_hash_equal(one, other):
    assert Version.parse(one) == Version.parse(other)
    assert hash(Version.parse(one)) == hash(Version.parse(other))


@pytest.mark.parametrize("text", ["", "12.0.abc", "12..0", "v12.0", "-1.0", "1.2.3.4.5.6.7", None, 12, "12.0."])
def test_garbage_is_not_a_version(text):
    assert version_or_none(text) is None
    with pytest.raises(ValueError, match="is not a dotted version number"):
        Version.parse(text)


def test_text_form():
    assert str(Version.parse("15.01.1466.003")) == "15.1.1466.3"

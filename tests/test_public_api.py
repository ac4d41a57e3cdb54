from __future__ import annotations

import types

import reconciler


def test_all_is_sorted_and_complete() -> None:
    assert reconciler.__all__ == sorted(reconciler.__all__)
    # Submodules become attributes of the package once imported; they are not its API.
    public = {
        name
        for name, value in vars(reconciler).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(reconciler.__all__) - {"__version__"}


def test_every_name_in_all_exists() -> None:
    for name in reconciler.__all__:
        assert hasattr(reconciler, name), name

from __future__ import annotations

import reconciler


def test_all_is_sorted_and_complete() -> None:
    assert reconciler.__all__ == sorted(reconciler.__all__)
    public = {name for name in vars(reconciler) if not name.startswith("_")} - {
        "about", "config", "desired", "errors", "files", "model", "suffix", "validate", "rules", "identifiers",
        "crossfile", "schemas", "render", "cli",
    }  # fmt: skip
    assert public == set(reconciler.__all__) - {"__version__"}


def test_every_name_in_all_exists() -> None:
    for name in reconciler.__all__:
        assert hasattr(reconciler, name), name

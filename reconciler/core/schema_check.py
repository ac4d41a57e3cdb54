"""JSON Schema checking (jsonschema lives here) and the validation use case's pure core.

Schema errors are rewritten for people: each says where (JSON pointer, then line and column) and
what, with did-you-mean hints for misspelt keys and controlled values. Schemas may carry
`x-doiac-messages: {keyword: message}` to replace the generic text for one keyword.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..model import Diagnostic, Severity, escape_pointer_token, pointer_of

if TYPE_CHECKING:  # loaded on first use: a valid record never needs them (start-up time)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Schemas carry no $id (so editors resolve their relative $refs by file); we give them one here.
_BASE = "https://doiac.invalid/schemas/"
_RULE = "schema"
"""The rule every schema diagnostic names, but those of DOCUMENTED."""
DOCUMENTED = "schema-docs"
"""The rule of a schema check the 4.7 documentation states and the XSD does not (x-doiac-severity)."""


class SchemaSet:
    """The JSON Schemas by name, as data (the edge module `schemas` reads them), with their
    validators built once each."""

    def __init__(self, schemas: Mapping[str, Mapping[str, Any]]) -> None:
        self._schemas: dict[str, dict[str, Any]] = {name: dict(schema) for name, schema in schemas.items()}
        self._slow: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}

    def _resource_id(self, name: str) -> str:
        return f"{_BASE}{name}.schema.json"

    def validator(self, name: str) -> Draft202012Validator:
        if name not in self._slow:
            from jsonschema import Draft202012Validator  # noqa: PLC0415 - see TYPE_CHECKING above
            from referencing import Registry, Resource  # noqa: PLC0415

            resources = [(self._resource_id(n), Resource.from_contents(s)) for n, s in self._schemas.items()]
            registry: Registry[Any] = Registry().with_resources(resources)
            schema = {**self._schemas[name], "$id": self._resource_id(name)}
            self._slow[name] = Draft202012Validator(schema, registry=registry)
        return self._slow[name]

    def fast_validator(self, name: str) -> Any:
        """A compiled validator (jsonschema-rs): a fast yes for the valid majority; None without it."""
        if name not in self._fast:
            try:
                import jsonschema_rs  # noqa: PLC0415 - optional: wheels exist for the usual platforms only
            except ImportError:  # pragma: no cover - jsonschema alone gives the same answers, slower
                return None
            resources = [(self._resource_id(n), s) for n, s in self._schemas.items()]
            schema = {**self._schemas[name], "$id": self._resource_id(name)}
            self._fast[name] = jsonschema_rs.validator_for(schema, registry=jsonschema_rs.Registry(resources))
        return self._fast[name]

    def check(self, name: str, instance: Any) -> list[Diagnostic]:
        """Every violation of schema `name` by `instance`, translated, in document order."""
        fast = self.fast_validator(name)
        if fast is not None and fast.is_valid(instance):
            return []
        root = self._schemas[name]
        attributes = set(self._schemas.get("datacite-4.7", {}).get("properties", {}))
        problems = list(_refused(root, instance))
        for error in self.validator(name).iter_errors(instance):
            problems.extend(_translate(error, root, attributes))
        return _dedupe(problems)


def _refused(root: Mapping[str, Any], instance: Any) -> Iterator[Diagnostic]:
    """Keys the schema refuses by name (`false`), with the reason it gives in x-doiac-refused.

    jsonschema reports a `false` subschema without the property's path, so we find them here.
    """
    refused = root.get("x-doiac-refused", {})
    if isinstance(instance, Mapping):
        for key in instance:
            if key in refused:
                pointer = f"/{escape_pointer_token(key)}"
                yield Diagnostic(pointer=pointer, message=refused[key], rule=_RULE, key=True)


def _dedupe(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    # A refused key also fails `unevaluatedProperties`: keep one problem per place, an error
    # before a warning, the first (most specific) message of each.
    seen: dict[str, Diagnostic] = {}
    for problem in problems:
        if problem.pointer not in seen or (
            seen[problem.pointer].severity is not Severity.ERROR and problem.severity is Severity.ERROR
        ):
            seen[problem.pointer] = problem
    return list(seen.values())


def _annotation(error: ValidationError, name: str, keyword: str) -> str | None:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    value = schema.get(name, {}).get(keyword)
    return value if isinstance(value, str) else None


def _translate(error: ValidationError, root: Mapping[str, Any], attributes: set[str]) -> Iterator[Diagnostic]:
    pointer = pointer_of(error.absolute_path)
    keyword = str(error.validator) if error.validator is not None else "false"
    custom = _annotation(error, "x-doiac-messages", keyword)
    severity = Severity(_annotation(error, "x-doiac-severity", keyword) or "error")
    # A schema rule that only DataCite's documentation states (the XSD accepts the record) has its own id.
    rule = _RULE if severity is Severity.ERROR else DOCUMENTED
    if error.schema is False:  # reported by _refused, which knows the key
        return
    if keyword == "required":
        for missing in _missing(error):
            text = (
                custom.format(key=missing)
                if custom
                else f"missing required key `{missing}`{_state_context(error)}"
            )
            where = f"{pointer}/{escape_pointer_token(missing)}"
            yield Diagnostic(severity=severity, pointer=where, message=text, rule=rule, key=True)
        return
    if keyword in {"additionalProperties", "unevaluatedProperties"}:
        known = _known_keys(error, root, attributes)
        for extra in _extras(error, known):
            where = f"{pointer}/{escape_pointer_token(extra)}"
            yield Diagnostic(pointer=where, message=_unknown_key(extra, known), rule=_RULE, key=True)
        return
    message = custom or _describe(error, keyword)
    yield Diagnostic(severity=severity, pointer=pointer, message=message, rule=rule)


def _state_context(error: ValidationError) -> str:
    """Why a key is required when the requirement comes from the state (the schema's if/then)."""
    if "then" not in error.absolute_schema_path:
        return ""
    state = error.instance.get("state") if isinstance(error.instance, Mapping) else None
    if isinstance(state, str):
        return f": a {state} DOI needs it"
    return ": a registered or findable DOI needs it"


def _missing(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    return [name for name in required if name not in instance]


def _extras(error: ValidationError, known: set[str]) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    return [key for key in instance if key not in known]


def _known_keys(error: ValidationError, root: Mapping[str, Any], attributes: set[str]) -> set[str]:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    keys = set(schema.get("properties", {}))
    if error.validator == "unevaluatedProperties":
        # The DOI file: its own keys plus every DataCite attribute pulled in by allOf/$ref.
        keys |= attributes
        keys -= set(root.get("x-doiac-refused", {}))
    return keys


def _fold(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _unknown_key(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if not close:  # difflib is case-sensitive: PUBLICATION_YEAR still means publicationYear
        folded = {_fold(k): k for k in known}
        close = [folded[_fold(key)]] if _fold(key) in folded else []
    hint = f"; did you mean `{close[0]}`?" if close else f"; expected one of: {', '.join(sorted(known))}"
    return f"unknown key `{key}`{hint}"


# Controlled values DataCite retired, with what replaced them.
_RETIRED = {
    ("contributorType", "Funder"): "removed in schema 4.0; describe funders in fundingReferences",
}

_JSON_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "empty",
}


_KINDS = {
    type(None): "nothing (null)",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
}


def kind_of(value: Any) -> str:
    """What a YAML or JSON value is, in the words messages use."""
    return _KINDS.get(type(value), type(value).__name__)


def short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError, keyword: str) -> str:
    value: Any = error.instance
    expected: Any = error.validator_value
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_JSON_TYPES.get(str(t), str(t)) for t in types if t != "null")
        return f"expected {wanted}, got {kind_of(value)}"
    if keyword == "enum":
        field = _field_name(error)
        if (field, value) in _RETIRED:
            return f"{short(value)} is not a valid {field}: {_RETIRED[field, value]}"
        options = [o for o in expected if o is not None]
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1, cutoff=0.5)
        if isinstance(value, str):
            folded = [o for o in options if isinstance(o, str) and o.lower() == value.lower()]
            close = folded or close
        if close:
            return f"{short(value)} is not a valid {field}; did you mean {close[0]!r}?"
        if len(options) <= 8:
            return f"{short(value)} is not a valid {field}; expected one of: {', '.join(map(str, options))}"
        return f"{short(value)} is not a valid {field} (DataCite schema 4.7 controlled list)"
    if keyword == "minItems":
        return "must not be an empty list" if expected == 1 else f"needs at least {expected} entries"
    if keyword == "minLength":
        return "must not be empty"
    if keyword == "minProperties":
        return "must not be an empty mapping"
    if keyword == "pattern":
        return f"{short(value)} does not have the expected form"
    if keyword in {"minimum", "maximum"}:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"{short(value)} is out of range: must be between {low} and {high}"
        return f"{short(value)} must be {'at least' if keyword == 'minimum' else 'at most'} {expected}"
    if keyword == "uniqueItems":
        return "has duplicate entries"
    return error.message


def _field_name(error: ValidationError) -> str:
    return next((part for part in reversed(error.absolute_path) if isinstance(part, str)), "value")

"""Forms for a plan's sections, made from the pydantic model's fields: one mechanism, not a form per section.

Each field of an item's model becomes an input chosen by its type:

==============================================  ==========================================================
field                                           input
==============================================  ==========================================================
``str``, ``Code``, ``Year``, ``Period``          text input
``Text`` (long text)                            textarea
``Money``                                       text input with a £ prefix, read by ``parse_amount``
``Percent``, ``Quantity``                       text input (``%`` suffix) read as an exact decimal
``date``                                        GOV.UK date input (day, month, year)
``Literal`` or ``StrEnum``; ``bool``            radios (6 options or fewer) or a select; Yes/No radios
a reference (named ``partner``, ``pool``,       the ids that exist in the plan or its policy pack, as
``stream``, ``year``, ``host``, ``metric`` …)   radios or a select (see ``REFERENCES``)
``list[str]``                                   textarea, one item per line
``list[Record]`` (trajectories, funding, tasks) a table of inputs, one row per item plus blank rows to
                                                add more; a row left empty is dropped
``dict[Year, Money]``, ``dict[Code, Percent]``  one input per key (the plan's years, its partners)
``list[StrEnum]`` (risk-share steps)            numbered selects, in order
``Record`` or ``Record | None``                 a fieldset of its fields; ``None`` when all are left empty
==============================================  ==========================================================

Reading is staged. ``read`` turns what people typed into plain values, naming each field it could not read
(GOV.UK wording: "Enter the amount in pounds and pence, like £1,234.50"); the caller then validates the
model and maps pydantic's errors back to the fields they name with ``model_errors``; it saves only when
both stages are clean. Field ids are the model's field names joined by ``-`` (``funding-2-amount``), so
an error summary links straight to the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from inspect import isclass
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, to_jsonable_python

from carepool.model import Plan
from carepool.model.types import Code, Money, Percent, Period, Quantity, Quarter, Text, Year
from carepool.money import MoneyError, to_money
from carepool.policy import PolicyPack

Kind = Literal[
    "text",
    "textarea",
    "money",
    "percent",
    "number",
    "integer",
    "date",
    "choice",
    "boolean",
    "lines",
    "rows",
    "mapping",
    "steps",
    "group",
]
# The model's annotated types that have an input of their own.
ALIAS_KINDS: tuple[tuple[object, Kind], ...] = (
    (Money, "money"),
    (Percent, "percent"),
    (Quantity, "number"),
    (Text, "textarea"),
)
Loc = tuple[str | int, ...]

BLANK_ROWS = 3  # empty rows offered under a table of inputs, to add more
MAX_ROWS = 500  # a posted row count above this is not a person typing
RADIOS_UP_TO = 6  # more options than this: a select

# Fields that hold the id of something else, by field name (the plan model names them consistently).
REFERENCES: dict[str, str] = {
    "org": "organisations",
    "partner": "partners",
    "host": "partners",
    "signs_for": "signers",
    "pool": "pools",
    "stream": "streams",
    "year": "years",
    "condition": "conditions",
    "metric": "metrics",
    "type": "scheme_types",
    "area_of_spend": "areas_of_spend",
}
# Mappings, by field name: where their keys come from.
MAPPING_KEYS: dict[str, str] = {"planned_savings": "years", "uncommitted": "years", "splits": "partners"}

LABELS: dict[str, str] = {
    "org": "Organisation",
    "share_pct": "Share of the organisation in this area",
    "id": "ID",
    "ref": "Reference",
    "host": "Host partner",
    "ring_fenced": "Ring-fenced",
    "existing": "Existing section 75 pool",
    "stream": "Funding stream",
    "capital": "Capital money",
    "reference": "Allocation or grant line",
    "type": "Scheme type",
    "area_of_spend": "Area of spend",
    "new_or_existing": "New or existing scheme",
    "commissioners": "Commissioners",
    "pct": "Share",
    "kpis": "Key performance indicators",
    "funding": "Funding",
    "metric": "Metric",
    "plan": "Planned values",
    "actuals": "Actual values",
    "signs_for": "Signs for",
    "duration_review_termination": "Duration, review and termination",
    "splits": "Split between partners",
    "order": "Order of steps",
    "risk_pool": "Risk pool",
}
HINTS: dict[str, str] = {
    "outcomes": "One outcome per line.",
    "splits": "Each partner's share, as a percentage. Leave empty for partners with no share.",
    "order": "The steps taken, in order, when a pool overspends.",
    "planned_savings": "In pounds and pence, for each year. Leave a year empty if there are none.",
    "uncommitted": "In pounds and pence, for each year. Leave a year empty if it is all committed.",
}
KIND_HINTS: dict[str, str] = {
    "money": "In pounds and pence, for example £1,234.50",
    "percent": "A number from 0 to 100",
    "date": "For example, 27 3 2016",
    "rows": "Leave a row empty to remove it.",
}
FORMATS = (
    (Code, "code"),
    (Year, "year"),
    (Quarter, "quarter"),
    (Period, "period"),
)
FORMAT_TEXT = {
    "code": "must start with a letter or number and use only letters, numbers, full stops, hyphens, "
    "underscores and slashes",
    "year": "must be a financial year, like 2015-16",
    "quarter": "must be a quarter, like 2015-16 Q1",
    "period": "must be a year, quarter or month, like 2015-16, 2015-16 Q1 or 2015-16 M04",
}
PARTS = ("day", "month", "year")  # of a GOV.UK date input


@dataclass(frozen=True, slots=True)
class Spec:
    """One field of a model, as an input."""

    name: str
    label: str
    kind: Kind = "text"
    hint: str = ""
    required: bool = False
    nullable: bool = False
    default: Any = None  # JSON form of the model's default
    choices: tuple[tuple[str, str], ...] = ()  # fixed options (Literal, StrEnum, bool)
    source: str = ""  # options from the plan or pack (a reference)
    fmt: str = ""  # code | year | quarter | period
    children: tuple[Spec, ...] = ()  # columns of rows, fields of a group, the value of a mapping/steps


@dataclass(frozen=True, slots=True)
class Target:
    """Where an error about a field is shown: the field's id, the element the summary links to, and the words
    that name it in a message ("Funding row 2: " and "the pool")."""

    id: str
    focus: str
    prefix: str
    the: str
    spec: Spec

    def say(self, text: str) -> str:
        return _say(self.prefix, text)


def words(name: str) -> str:
    """``area_of_spend`` → ``Area of spend``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """``Amount`` → ``amount``, but ``ID`` stays ``ID``."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str | None) -> str:
    if not text:
        return ""
    text = upper_first(text.strip())
    return text if text.endswith(".") else text + "."


def _without_none(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        if len(args) == 1:
            return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _is_model(annotation: Any) -> bool:
    return isclass(annotation) and issubclass(annotation, BaseModel)


def _options_of(annotation: Any) -> tuple[tuple[str, str], ...]:
    if get_origin(annotation) is Literal:
        return tuple((str(v), words(str(v))) for v in get_args(annotation))
    if isclass(annotation) and issubclass(annotation, Enum):
        return tuple((str(m.value), words(str(m.value))) for m in annotation)
    return ()


def _spec(name: str, annotation: Any, required: bool, default: Any, description: str | None) -> Spec:
    inner, nullable = _without_none(annotation)
    base = Spec(
        name=name,
        label=LABELS.get(name, words(name)),
        hint=HINTS[name] if name in HINTS else _sentence(description),
        required=required,
        nullable=nullable,
        default=default,
    )
    source = REFERENCES.get(name, "")
    origin = get_origin(inner)
    for alias, kind in ALIAS_KINDS:
        if inner == alias:
            return _with_kind_hint(replace(base, kind=kind))
    fmt = next((f for alias, f in FORMATS if inner == alias), "")
    if inner is str or fmt or (origin is Annotated and get_args(inner)[0] is str):
        return replace(base, kind="choice", source=source) if source else replace(base, fmt=fmt)
    if inner is bool:
        return replace(base, kind="boolean", choices=(("yes", "Yes"), ("no", "No")))
    if inner is int:
        return replace(base, kind="integer")
    if inner is date:
        return _with_kind_hint(replace(base, kind="date"))
    if _options_of(inner):
        return replace(base, kind="choice", choices=_options_of(inner))
    if _is_model(inner):
        return replace(base, kind="group", children=specs(inner))
    if origin is list:
        (item,) = get_args(inner)
        if _is_model(item):
            return _with_kind_hint(replace(base, kind="rows", children=specs(item)))
        if item is str:
            return replace(base, kind="lines", hint=base.hint or "One per line.")
        if _options_of(item):
            step = Spec(name="step", label="Step", kind="choice", choices=_options_of(item))
            return replace(base, kind="steps", children=(step,))
    if origin is dict:
        key, value = get_args(inner)
        keys = MAPPING_KEYS.get(name) or ("years" if key == Year else "")
        if keys:
            child = _spec("value", value, False, None, None)
            return replace(base, kind="mapping", source=keys, children=(child,))
    raise TypeError(f"no input for field {name!r} of type {annotation!r}: add one to carepool.web.forms")


def _with_kind_hint(spec: Spec) -> Spec:
    return spec if spec.hint else replace(spec, hint=KIND_HINTS.get(spec.kind, ""))


@cache
def specs(model: type[BaseModel]) -> tuple[Spec, ...]:
    """The inputs for a model's fields, in the model's order."""
    hints = get_type_hints(model, include_extras=True)
    out = []
    for name, info in model.model_fields.items():
        required = info.is_required()
        default = None if required else to_jsonable_python(info.get_default(call_default_factory=True))
        out.append(_spec(name, hints[name], required, default, info.description))
    return tuple(out)


def field_id(prefix: str, name: str | int) -> str:
    return f"{prefix}-{name}" if prefix else str(name)


# --- options: what a reference may point at ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """The ids a reference may take in one plan: what exists in the plan and its policy pack, plus any value
    the plan already holds (so an unrelated change never loses it)."""

    plan: Plan
    pack: PolicyPack
    held: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, pack: PolicyPack, within: Iterable[str]) -> Options:
        """``within``: the parts of the plan whose values count as held (the editable sections)."""
        held: dict[str, set[str]] = {}
        for key, value in _walk(plan.model_dump(mode="json", include=set(within))):
            source = REFERENCES.get(key) or MAPPING_KEYS.get(key)
            if source and isinstance(value, str) and value:
                held.setdefault(source, set()).add(value)
            elif source and isinstance(value, dict) and key in MAPPING_KEYS:
                held.setdefault(source, set()).update(str(k) for k in value)
        return cls(plan, pack, {k: frozenset(v) for k, v in held.items()})

    def known(self, source: str) -> list[tuple[str, str]]:
        plan, pack = self.plan, self.pack

        def org(code: str) -> str:
            found = plan.organisation(code)
            return f"{found.name} ({code})" if found else code

        match source:
            case "organisations":
                return [(o.code, f"{o.name} ({o.code})") for o in plan.organisations]
            case "partners":
                return [(p.org, org(p.org)) for p in plan.partners]
            case "signers":
                return [(p.org, org(p.org)) for p in plan.partners] + [("hwb", "Health and Wellbeing Board")]
            case "pools":
                return [(p.id, f"{p.name} ({p.id})") for p in plan.pools]
            case "streams":
                return [(s.code, s.name) for s in pack.funding_streams]
            case "years":
                return [(y, y) for y in plan.years]
            case "conditions":
                return [(c.id, f"{c.id}: {c.title}") for c in pack.national_conditions]
            case "metrics":
                return [(m.id, m.name) for m in pack.metrics]
            case "scheme_types":
                return [(t, words(t)) for t in pack.scheme_types]
            case "areas_of_spend":
                return [(a, words(a)) for a in pack.areas_of_spend]
        raise KeyError(source)

    def choices(self, spec: Spec) -> list[tuple[str, str]]:
        if not spec.source:
            return list(spec.choices)
        known = self.known(spec.source)
        ids = {k for k, _ in known}
        where = "the policy pack" if spec.source in {"streams", "conditions", "metrics"} else "this plan"
        extra = sorted(v for v in self.held.get(spec.source, frozenset()) if v not in ids)
        return known + [(v, f"{v} (not in {where})") for v in extra]


def _walk(value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k), v
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


# --- from a stored item to what the form shows ---------------------------------------------------------------


def initial(fields: tuple[Spec, ...], data: Mapping[str, Any] | None, options: Options) -> dict[str, str]:
    """The form's values for an item (its JSON form), or for a new item (``None``: the model's defaults)."""
    values: dict[str, str] = {}
    for spec in fields:
        value = data.get(spec.name, spec.default) if data is not None else spec.default
        _show(spec, spec.name, value, values, options)
    return values


def _show(spec: Spec, fid: str, value: Any, values: dict[str, str], options: Options) -> None:
    kind = spec.kind
    if kind == "rows":
        rows = value if isinstance(value, list) else []
        values[f"{fid}-count"] = str(len(rows) + BLANK_ROWS)
        for i, row in enumerate(rows):
            for child in spec.children:
                cid = field_id(f"{fid}-{i}", child.name)
                _show(child, cid, row.get(child.name, child.default), values, options)
    elif kind == "mapping":
        given = value if isinstance(value, dict) else {}
        for j, key in enumerate(mapping_keys(spec, options, given)):
            _show(spec.children[0], f"{fid}-{j}", given.get(key), values, options)
    elif kind == "steps":
        steps = value if isinstance(value, list) else []
        for i in range(len(spec.children[0].choices)):
            values[f"{fid}-{i}"] = str(steps[i]) if i < len(steps) else ""
    elif kind == "group":
        for child in spec.children:
            inner = value.get(child.name, child.default) if isinstance(value, dict) else None
            _show(child, field_id(fid, child.name), inner, values, options)
    elif kind == "date":
        parts = str(value).split("-") if value else []
        for part, name in zip(reversed(parts), PARTS, strict=False):
            values[f"{fid}-{name}"] = str(int(part))
    elif kind == "boolean":
        values[fid] = "" if value is None else ("yes" if value else "no")
    elif kind == "lines":
        values[fid] = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
    elif kind == "money":
        values[fid] = "" if value in (None, "") else f"{Decimal(str(value)):,.2f}"
    else:
        values[fid] = "" if value is None else str(value)


def mapping_keys(spec: Spec, options: Options, given: Mapping[str, Any]) -> list[str]:
    """A mapping's keys: the plan's years (or partners), then any other key the item already has."""
    keys = [k for k, _ in options.known(spec.source)]
    return keys + [str(k) for k in given if k not in keys]


def _mapping_labels(spec: Spec, options: Options, given: Mapping[str, Any]) -> list[tuple[str, str]]:
    labels = dict(options.known(spec.source))
    return [(k, labels.get(k, k)) for k in mapping_keys(spec, options, given)]


def _keyed(spec: Spec, name: str) -> Spec:
    """A mapping's value input for one key: its messages say which (``the planned savings for 2015-16``)."""
    return replace(spec.children[0], label=f"{spec.label} for {name}", required=False, hint="")


# --- reading what people typed (stage 1) -----------------------------------------------------------------


@dataclass
class Reading:
    """An item's data as read from a form, and a message for each field that could not be read."""

    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # field id → message, in page order
    targets: dict[Loc, Target] = field(default_factory=dict)  # location in the model → field
    jump: dict[str, str] = field(default_factory=dict)  # field id → the input to fix (a date's month)

    def fail(self, target: Target, text: str) -> None:
        self.errors.setdefault(target.id, target.say(text))

    def focus(self, fid: str) -> str:
        if fid in self.jump:
            return self.jump[fid]
        return next((t.focus for t in self.targets.values() if t.id == fid), fid)

    def summary(self) -> list[dict[str, str]]:
        """The error summary's list: each message linked to its field."""
        return [{"text": text, "href": f"#{self.focus(fid)}"} for fid, text in self.errors.items()]


class _Omit:
    """Leave the field out: the model's default applies."""


_OMIT = _Omit()


def read(
    fields: tuple[Spec, ...],
    values: Mapping[str, str],
    options: Options,
    given: Mapping[str, Any] | None = None,
) -> Reading:
    """What people typed → the item's data (``given``: the item as stored, for a mapping's own keys)."""
    reading = Reading({})
    for spec in fields:
        held = given.get(spec.name) if given else None
        value = _read(spec, spec.name, values, options, (spec.name,), "", reading, held)
        if not isinstance(value, _Omit):
            reading.data[spec.name] = value
    return reading


def focus_of(spec: Spec, fid: str) -> str:
    """The element an error summary link for this field moves to (the first input of a group)."""
    if spec.kind == "date":
        return f"{fid}-day"
    if spec.kind == "rows":
        return focus_of(spec.children[0], f"{fid}-0-{spec.children[0].name}")
    if spec.kind in ("mapping", "steps"):
        return focus_of(spec.children[0], f"{fid}-0")
    if spec.kind == "group":
        return focus_of(spec.children[0], field_id(fid, spec.children[0].name))
    return fid


def is_empty(spec: Spec, fid: str, values: Mapping[str, str]) -> bool:
    """Nothing typed or chosen in this field (a row, group or mapping: in any of its inputs)."""
    if spec.kind == "date":
        return all(not values.get(f"{fid}-{p}", "").strip() for p in PARTS)
    if spec.kind in ("rows", "mapping", "steps", "group"):
        inner = re.compile(re.escape(fid) + r"-.+")
        return all(
            not v.strip() for k, v in values.items() if inner.fullmatch(k) and not k.endswith("-count")
        )
    return not values.get(fid, "").strip()


def _count(values: Mapping[str, str], fid: str) -> int:
    text = values.get(f"{fid}-count", "0").strip()
    return min(int(text), MAX_ROWS) if text.isdigit() else 0


def _say(prefix: str, text: str) -> str:
    return f"{prefix}{lower_first(text)}" if prefix else text


def _the(spec: Spec) -> str:
    return f"the {lower_first(spec.label)}"


def _read(
    spec: Spec,
    fid: str,
    values: Mapping[str, str],
    options: Options,
    loc: Loc,
    prefix: str,
    reading: Reading,
    held: Any,
) -> Any:
    target = Target(fid, focus_of(spec, fid), prefix, _the(spec), spec)
    reading.targets[loc] = target
    kind = spec.kind
    if kind == "rows":
        return _read_rows(spec, fid, values, options, loc, prefix, reading)
    if kind == "mapping":
        given = held if isinstance(held, dict) else {}
        out: dict[str, Any] = {}
        for j, (key, name) in enumerate(_mapping_labels(spec, options, given)):
            value = _read(
                _keyed(spec, name), f"{fid}-{j}", values, options, (*loc, key), prefix, reading, None
            )
            if not isinstance(value, _Omit) and value is not None:
                out[key] = value
        return out
    if kind == "steps":
        return _read_steps(spec, fid, values, loc, prefix, reading)
    if kind == "group":
        if spec.nullable and is_empty(spec, fid, values):
            return None
        group: dict[str, Any] = {}
        inner_prefix = f"{prefix}{spec.label}: "
        for child in spec.children:
            inner = held.get(child.name) if isinstance(held, dict) else None
            cid = field_id(fid, child.name)
            value = _read(child, cid, values, options, (*loc, child.name), inner_prefix, reading, inner)
            if not isinstance(value, _Omit):
                group[child.name] = value
        return group
    if kind == "date":
        return _read_date(spec, fid, values, target, reading)
    text = values.get(fid, "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if kind == "lines":
        return [line.strip() for line in text.split("\n") if line.strip()]
    if not text:
        return _empty(spec, target, reading)
    return _read_text(spec, text, target, reading, options)


def _empty(spec: Spec, target: Target, reading: Reading) -> Any:
    """Nothing typed: an error if the model requires the field, else ``None`` or the model's default."""
    if spec.required:
        if spec.kind == "money":
            reading.fail(target, parse_amount("", spec.label)[1] or "")
        else:
            verb = "Select" if spec.kind in ("choice", "boolean") else "Enter"
            reading.fail(target, f"{verb} {_the(spec)}")
        return _OMIT
    return None if spec.nullable else _OMIT


def _read_text(spec: Spec, text: str, target: Target, reading: Reading, options: Options) -> Any:
    """One typed value, checked for its type and format; ``_OMIT`` after recording an error."""
    kind = spec.kind
    the = _the(spec)
    problem = ""
    value: Any = text
    if kind == "money":
        amount, message = parse_amount(text, spec.label)
        problem, value = message or "", f"{amount:.2f}" if amount is not None else None
    elif kind == "percent":
        number = _decimal(text.rstrip("%").strip())
        if number is None:
            problem = f"Enter {the} as a percentage, like 50 or 12.5"
        elif not Decimal(0) <= number <= Decimal(100):
            problem = f"{upper_first(the)} must be between 0 and 100"
        value = str(number)
    elif kind == "number":
        number = _decimal(text.replace(",", ""))
        if number is None:
            problem = f"Enter {the} as a number, like 7,527 or 646.5"
        elif number < 0:
            problem = f"{upper_first(the)} must be 0 or more"
        value = str(number)
    elif kind == "integer":
        digits = text.replace(",", "")
        problem = "" if digits.isdigit() else f"Enter {the} as a whole number, like 1,200"
        value = int(digits) if digits.isdigit() else None
    elif kind == "boolean":
        problem = "" if text in ("yes", "no") else f"Select yes or no for {lower_first(spec.label)}"
        value = text == "yes"
    elif kind == "choice" and text not in {k for k, _ in options.choices(spec)}:
        problem = f"Select {the} from the list"
    if problem:
        reading.fail(target, problem)
        return _OMIT
    return value


def _decimal(text: str) -> Decimal | None:
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _read_date(spec: Spec, fid: str, values: Mapping[str, str], target: Target, reading: Reading) -> Any:
    parts = {p: values.get(f"{fid}-{p}", "").strip() for p in PARTS}
    if not any(parts.values()):
        return _empty(spec, target, reading)
    the = upper_first(_the(spec))
    missing = [p for p in PARTS if not parts[p]]
    problem = ""
    if missing:
        problem = f"{the} must include a {' and '.join(missing)}"
        reading.jump[fid] = f"{fid}-{missing[0]}"
    elif not all(v.isdigit() for v in parts.values()):
        problem = f"{the} must be a real date"
    elif len(parts["year"]) != 4:
        problem = f"The year of {_the(spec)} must include 4 numbers"
    else:
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat()
        except ValueError:
            problem = f"{the} must be a real date"
    reading.fail(target, problem)
    return _OMIT


def _read_rows(
    spec: Spec, fid: str, values: Mapping[str, str], options: Options, loc: Loc, prefix: str, reading: Reading
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    first = spec.children[0]
    for i in range(_count(values, fid)):
        rid = f"{fid}-{i}"
        if all(is_empty(c, field_id(rid, c.name), values) for c in spec.children):
            continue  # a blank row, or one cleared to remove it
        at = len(rows)
        row_prefix = f"{prefix}{spec.label} row {i + 1}: "
        reading.targets[(*loc, at)] = Target(
            rid, focus_of(first, field_id(rid, first.name)), row_prefix, "this row", spec
        )
        row: dict[str, Any] = {}
        for child in spec.children:
            cid = field_id(rid, child.name)
            value = _read(child, cid, values, options, (*loc, at, child.name), row_prefix, reading, None)
            if not isinstance(value, _Omit):
                row[child.name] = value
        rows.append(row)
    return rows


def _read_steps(
    spec: Spec, fid: str, values: Mapping[str, str], loc: Loc, prefix: str, reading: Reading
) -> list[str]:
    step = spec.children[0]
    allowed = {k for k, _ in step.choices}
    out: list[str] = []
    for i in range(len(step.choices)):
        sid = f"{fid}-{i}"
        target = Target(sid, sid, prefix, f"step {i + 1}", step)
        reading.targets[(*loc, len(out))] = target
        raw = values.get(sid, "").strip()
        if raw and raw not in allowed:
            reading.fail(target, f"Select step {i + 1} from the list")
        elif raw:
            out.append(raw)
    return out


# --- mapping the model's errors back to fields (stage 2) ----------------------------------------------------


def model_errors(exc: ValidationError, at: Loc, reading: Reading, fallback: str) -> dict[str, str]:
    """pydantic's errors inside ``at`` (e.g. ``("contributions", 3)``) as messages on the fields they name;
    an error no field owns goes on ``fallback``."""
    order = list(dict.fromkeys(t.id for t in reading.targets.values()))
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        target = _nearest(reading.targets, loc[len(at) :]) if loc[: len(at)] == at else None
        found.setdefault(target.id if target else fallback, friendly(error, target))
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def _nearest(targets: Mapping[Loc, Target], loc: Loc) -> Target | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in targets:
            return targets[loc[:end]]
    return None


def friendly(error: ErrorDetails, target: Target | None) -> str:
    """One pydantic error in the words of the form: it names the field and says what to do."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    message = str(error["msg"]).removeprefix("Value error, ")
    if target is None:
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {message}" if where else upper_first(message)
    the, spec = target.the, target.spec
    if kind == "string_pattern_mismatch" and spec.fmt:
        text = f"{the} {FORMAT_TEXT[spec.fmt]}"
    elif kind == "string_too_long":
        text = f"{the} must be {int(ctx.get('max_length', 0)):,} characters or fewer"
    elif kind in ("missing", "string_too_short"):
        text = f"enter {the}"
    elif kind == "greater_than_equal":
        text = f"{the} must be {ctx.get('ge')} or more"
    else:
        text = f"{the}: {message}"
    return target.say(upper_first(text))


# --- what the page shows: GOV.UK components' parameters --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Widget:
    """One field on the page: a GOV.UK component (``params`` for its Jinja macro), or a fieldset or table of
    them (``children``; ``rows`` for a table, with ``columns`` headings)."""

    kind: Literal["input", "textarea", "radios", "select", "date", "fieldset", "table"]
    id: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    hint: str = ""
    error: str = ""
    children: tuple[Widget, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Widget, ...], ...] = ()
    count: int = 0


WIDTHS = {
    "money": "govuk-input--width-10",
    "percent": "govuk-input--width-4",
    "number": "govuk-input--width-10",
    "integer": "govuk-input--width-10",
}
FORMAT_WIDTHS = {"code": "govuk-input--width-20", "year": "govuk-input--width-5"}


def widgets(
    fields: tuple[Spec, ...],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    options: Options,
    given: Mapping[str, Any] | None = None,
) -> list[Widget]:
    """The page's fields, filled with ``values`` (the stored item, or what was posted) and ``errors``."""
    return [
        _widget(s, s.name, values, errors, options, given.get(s.name) if given else None, None)
        for s in fields
    ]


def _widget(
    spec: Spec,
    fid: str,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    options: Options,
    held: Any,
    cell: str | None,
    compact: bool = False,
) -> Widget:
    """``cell``: the visually hidden label of an input in a table row (``Pool, row 2``); ``compact``: a
    select even for a few options (a table cell, a step of an ordered list)."""
    error = errors.get(fid, "")
    label = {"text": cell or spec.label, "classes": "govuk-visually-hidden" if cell else "govuk-label--s"}
    legend = {
        "text": cell or spec.label,
        "classes": "govuk-visually-hidden" if cell else "govuk-fieldset__legend--s",
    }
    common: dict[str, Any] = {}
    if spec.hint and not cell:
        common["hint"] = {"text": spec.hint}
    if error:
        common["errorMessage"] = {"text": error}
    if cell:
        common["formGroup"] = {"classes": "govuk-!-margin-bottom-0"}
    kind = spec.kind
    if kind == "rows":
        count = _count(values, fid)
        rows = tuple(
            tuple(
                _widget(
                    c,
                    field_id(f"{fid}-{i}", c.name),
                    values,
                    errors,
                    options,
                    None,
                    f"{c.label}, row {i + 1}",
                )
                for c in spec.children
            )
            for i in range(count)
        )
        columns = tuple(c.label for c in spec.children)
        return Widget(
            "table",
            fid,
            label=spec.label,
            hint=spec.hint,
            error=error,
            columns=columns,
            rows=rows,
            count=count,
        )
    if kind == "mapping":
        given = held if isinstance(held, dict) else {}
        children = tuple(
            _relabel(_widget(_keyed(spec, name), f"{fid}-{j}", values, errors, options, None, None), name)
            for j, (_, name) in enumerate(_mapping_labels(spec, options, given))
        )
        return Widget("fieldset", fid, label=spec.label, hint=spec.hint, error=error, children=children)
    if kind == "steps":
        step = spec.children[0]
        children = tuple(
            _widget(
                replace(step, label=f"Step {i + 1}"), f"{fid}-{i}", values, errors, options, None, None, True
            )
            for i in range(len(step.choices))
        )
        return Widget("fieldset", fid, label=spec.label, hint=spec.hint, error=error, children=children)
    if kind == "group":
        children = tuple(
            _widget(
                c,
                field_id(fid, c.name),
                values,
                errors,
                options,
                held.get(c.name) if isinstance(held, dict) else None,
                None,
            )
            for c in spec.children
        )
        return Widget("fieldset", fid, label=spec.label, hint=spec.hint, error=error, children=children)
    if kind == "date":
        typed = {part: values.get(f"{fid}-{part}", "") for part in PARTS}
        # GOV.UK: highlight only the missing parts of a date, or all of it when it is not a real date
        wrong = {p for p, v in typed.items() if not v.strip()} if any(typed.values()) else set(PARTS)
        parts = [
            {
                "name": part,
                "classes": f"govuk-input--width-{4 if part == 'year' else 2}"
                + (" govuk-input--error" if error and (part in wrong or not wrong) else ""),
                "value": typed[part],
            }
            for part in PARTS
        ]
        params = {"id": fid, "namePrefix": fid, "fieldset": {"legend": legend}, "items": parts, **common}
        return Widget("date", fid, params, error=error)
    value = values.get(fid, "")
    if kind in ("textarea", "lines"):
        params = {
            "id": fid,
            "name": fid,
            "value": value,
            "rows": 5 if kind == "textarea" else 3,
            "label": label,
            **common,
        }
        return Widget("textarea", fid, params, error=error)
    if kind in ("choice", "boolean"):
        items: list[dict[str, Any]]
        choices = options.choices(spec) if kind == "choice" else list(spec.choices)
        blank = not spec.required and spec.default in (None, "")
        if len(choices) <= RADIOS_UP_TO and not cell and not compact:
            items = [{"value": k, "text": t, "checked": k == value} for k, t in choices]
            if blank:
                items.append({"value": "", "text": "Not given", "checked": value == ""})
            inline = kind == "boolean" or (len(items) <= 3 and all(len(t) <= 12 for _, t in choices))
            params = {
                "idPrefix": fid,
                "name": fid,
                "fieldset": {"legend": legend},
                "items": items,
                "classes": "govuk-radios--inline" if inline else "",
                **common,
            }
            return Widget("radios", fid, params, error=error)
        first: dict[str, Any] = {"value": "", "text": "Choose" if spec.required else "Not given"}
        first["selected"] = value == ""
        items = [first] + [{"value": k, "text": t, "selected": k == value} for k, t in choices]
        params = {"id": fid, "name": fid, "label": label, "items": items, **common}
        return Widget("select", fid, params, error=error)
    params = {"id": fid, "name": fid, "value": value, "label": label, "spellcheck": False, **common}
    width = WIDTHS.get(kind) or FORMAT_WIDTHS.get(spec.fmt, "")
    if width:
        params["classes"] = width
    if kind == "money":
        params["prefix"] = {"text": "£"}
    if kind == "percent":
        params["suffix"] = {"text": "%"}
    if kind in ("money", "percent", "number", "integer"):
        params["inputmode"] = "decimal" if kind != "integer" else "numeric"
    return Widget("input", fid, params, error=error)


def _relabel(widget: Widget, name: str) -> Widget:
    """A mapping's input is labelled by its key alone (the fieldset's legend names the mapping)."""
    params = dict(widget.params)
    params["label"] = {**params["label"], "text": name}
    return replace(widget, params=params)


# --- money as people type it -------------------------------------------------------------------------------


def parse_amount(text: str, label: str = "amount") -> tuple[Decimal | None, str | None]:
    """What people type (``£1,234.50``, ``1234.5``) → exact pounds, or the message to show."""
    what = f"the {lower_first(label)}"
    if not text.strip():
        return None, f"Enter {what} in pounds"
    if re.search(r"\.\d{3,}\s*$", text):
        return None, f"{upper_first(what)} must be in pounds and pence, with no more than 2 decimal places"
    try:
        amount = to_money(text)
    except MoneyError:
        return None, f"Enter {what} in pounds and pence, like £1,234.50"
    if amount < 0:
        return None, f"{upper_first(what)} must be £0 or more"
    return amount, None

#!/usr/bin/env python3
"""Checks that Passerelle reads every XLSForm the way pyxform (the reference implementation used
by ODK and KoboToolbox) reads it.

For each form folder (survey.csv, choices.csv, settings.csv) under content/forms/ and
tests/conformance/corpus/, this script:

1. turns the CSV sheets into an .xlsx workbook with openpyxl, every cell as text;
2. converts that workbook with pyxform (`pyxform.xls2xform.convert`: xls2json, then the
   builder, then the XForm; a form pyxform cannot turn into an XForm is a failure) and takes
   pyxform's JSON form, where expressions are still written as in the sheet (`${x}`);
3. runs `passerelle form inspect DIR --json` on the CSV folder, and on the same .xlsx;
4. compares, after the normalisations listed in `normalise_pyxform` (language keys, yes/no
   flags, pyxform's own additions): form id, version, title, default language; the names,
   order and nesting of fields, groups and repeats; types; choice lists, names, labels per
   language and extra columns; labels, hints, required / relevant / constraint / calculation
   / choice_filter / repeat_count expressions, messages, defaults, read_only, appearance.
   Passerelle's readings of the CSV folder and of the .xlsx must also be the same (down to
   the row numbers), and the Delphi lists of trafficking_screening must match
   content/trafficking/delphi-indicators.toml (see delphi_choices.py).

It prints a table of the forms checked and every mismatch, and exits 1 on any mismatch that is
not listed in KNOWN_DIFFERENCES (or on a KNOWN_DIFFERENCES entry that no longer occurs, so the
list never outlives the bugs it records), 2 when it cannot run at all.

Usage: check_forms.py [--bin PASSERELLE] [-v] [FORM_DIR ...]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import openpyxl
    from pyxform.xls2xform import convert as pyxform_convert
except ImportError as err:  # pragma: no cover - run.sh installs them
    sys.exit(f"check_forms.py needs pyxform and openpyxl (tests/conformance/requirements.txt): {err}")

sys.dont_write_bytecode = True  # no __pycache__ beside the sources when importing delphi_choices
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_DIRS = [ROOT / "content" / "forms", HERE / "corpus"]
DEFAULT_BIN = "/var/tmp/passerelle-target/debug/passerelle"

# ---- known differences ---------------------------------------------------------------------
# Each entry silences exactly one mismatch: (form, path, aspect) as printed in the mismatch
# list. `form` is the folder relative to the repository root, `path` the item path
# (`group/field`, or `choices/LIST/NAME`, or `form`), `aspect` what is compared. `why` says
# what is wrong and where. Remove the entry when the bug is fixed: a known difference that no
# longer occurs fails the run, so that this list stays true.
CSV_ROWS = (
    "Passerelle's CSV reader numbers rows by the CSV line where a record starts "
    "(crates/core/src/forms/xlsform/sheet.rs, csv_rows: record.position().line()), not by "
    "the spreadsheet row: {}. Every `row` and every error message of such a sheet then "
    "points at the wrong row; the .xlsx of the same form is numbered right."
)
KNOWN_DIFFERENCES: list[dict[str, str]] = [
    {
        "form": "tests/conformance/corpus/known_yes_no_spellings",
        "path": "short_y",
        "aspect": "required",
        "why": "Passerelle's parse_flag (crates/core/src/forms/xlsform/build.rs) takes `y`/`n` "
        "and any capitalisation of yes/true/no/false as flags; pyxform only takes yes/Yes/YES, "
        "true/True/TRUE, true() (and the same for no/false) and writes anything else into the "
        "XForm as XPath: `required=\"y\"` is the path `y`, an empty node-set, so the question is "
        "NOT required in ODK/Kobo but required in Passerelle.",
    },
    {
        "form": "tests/conformance/corpus/known_yes_no_spellings",
        "path": "mixed_case",
        "aspect": "required",
        "why": "As for short_y: `yEs` is a flag for Passerelle (any case), an XPath path for "
        "pyxform (not required).",
    },
    {
        "form": "tests/conformance/corpus/known_yes_no_spellings",
        "path": "locked_y",
        "aspect": "read_only",
        "why": "As for short_y, on read_only: `y` makes the field read-only in Passerelle, not in "
        "ODK/Kobo (`readonly=\"y\"` is an empty node-set, false).",
    },
    {
        "form": "tests/conformance/corpus/known_dynamic_default",
        "path": "name_on_card",
        "aspect": "default",
        "why": "pyxform reads a default holding a ${reference}, a function call or an operator "
        "as an expression evaluated when the form opens (a setvalue on odk-instance-first-load); "
        "Passerelle keeps it as literal text (build.rs, default_fits accepts any text for a text "
        "field), so the answer stored would be the characters `${given_name}`. Passerelle "
        "should either evaluate it or refuse it, as it refuses `today()` on a date.",
    },
    {
        "form": "tests/conformance/corpus/known_dynamic_default",
        "path": "greeting",
        "aspect": "default",
        "why": "As for name_on_card: `concat('Hello', ' ')` is an expression for pyxform, "
        "literal text for Passerelle.",
    },
    {
        "form": "tests/conformance/corpus/known_pyxform_column_aliases",
        "path": "form",
        "aspect": "passerelle reads it",
        "why": "pyxform accepts the survey columns `relevance`, `constraining_message` and "
        "`requiredmsg` (pyxform/aliases.py, survey_header) as relevant, constraint_message and "
        "required_message; Passerelle's split_header (build.rs) knows only some of pyxform's "
        "aliases and refuses the form (unknown-column). Loud, not silent, but a form that "
        "works in Kobo does not load.",
    },
    {
        "form": "tests/conformance/corpus/known_jr_message_columns",
        "path": "age",
        "aspect": "constraint_message",
        "why": "Passerelle's split_header takes a `jr:constraintMsg` column as constraint_message; "
        "pyxform 4.5 has no such alias and passes the column through unused, so ODK/Kobo show "
        "no message. Harmless in Passerelle, but the same sheet behaves differently.",
    },
    {
        "form": "tests/conformance/corpus/known_jr_message_columns",
        "path": "age",
        "aspect": "required_message",
        "why": "As for constraint_message: `jr:requiredMsg` is read by Passerelle, unused by "
        "pyxform 4.5.",
    },
    {
        "form": "tests/conformance/corpus/known_jr_message_columns",
        "path": "age",
        "aspect": "pyxform-only",
        "why": "The other side of the same difference: pyxform keeps the two `jr:` columns as "
        "unknown keys of the question and writes nothing of them into the XForm.",
    },
]

# ---- language keys, flags ------------------------------------------------------------------


def lang_key(name: str) -> str:
    """Passerelle's key for a language column: the code in parentheses, else the name."""
    name = name.strip()
    if name.endswith(")") and "(" in name:
        code = name[name.rfind("(") + 1 : -1].strip()
        if code and not any(c.isspace() for c in code):
            return code
    return name


# pyxform's aliases.yes_no: what it treats as a yes/no flag rather than an XPath expression.
PYXFORM_YES = {"yes", "Yes", "YES", "true", "True", "TRUE", "true()"}
PYXFORM_NO = {"no", "No", "NO", "false", "False", "FALSE", "false()"}


def flag_or_expression(value):
    """`required` as pyxform means it: a flag (true() or nothing) or an XPath expression.
    A bare number is an XPath expression whose boolean value is known (`1` is true)."""
    if value is None:
        return None
    value = str(value).strip()
    if value in PYXFORM_YES:
        return "true()"
    if value in PYXFORM_NO or value == "":
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        return "true()" if float(value) != 0 else None
    return value


def text(value) -> dict[str, str]:
    """A label / hint / message: pyxform gives a plain string (plain column) or a dict by
    language name; Passerelle a dict by language key, `default` for the plain column."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"default": value}
    return {lang_key(k): v for k, v in value.items() if v is not None and v != ""}


# ---- pyxform's JSON -> the common shape ----------------------------------------------------

PYXFORM_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "datetime": "datetime",
    "dateTime": "datetime",
    "time": "time",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "note": "note",
    "calculate": "calculate",
    "acknowledge": "acknowledge",
}
PYXFORM_METADATA = {"start", "end", "today", "deviceid", "username"}

# Keys of a pyxform question / group that the comparison understands. Anything else pyxform
# sets is reported: it would be a meaning Passerelle does not hold.
PYXFORM_ITEM_KEYS = {
    "type", "name", "label", "hint", "bind", "control", "children", "choices", "itemset",
    "list_name", "parameters", "choice_filter", "default", "_dynamic_default", "actions",
    # cosmetic, as Passerelle's reader also treats them (warned about, not read)
    "media", "guidance_hint",
}
PYXFORM_BIND_KEYS = {
    "required", "jr:requiredMsg", "relevant", "constraint", "jr:constraintMsg", "calculate",
    "readonly",
}
PYXFORM_CONTROL_KEYS = {"appearance", "jr:count", "bodyless"}


@dataclass
class Item:
    path: str
    kind: str  # field, group, repeat
    attrs: dict = field(default_factory=dict)


@dataclass
class Reading:
    """What one reader made of one form, in a shape both readers can be put into."""

    form: dict
    items: list[Item]
    choices: dict[str, list[dict]]
    problems: list[str] = field(default_factory=list)  # things outside the comparable shape


def is_pyxform_meta(child: dict) -> bool:
    """The `meta/instanceID` group pyxform adds to every XForm; not part of the sheet."""
    return (
        child.get("type") == "group"
        and child.get("name") == "meta"
        and child.get("control", {}).get("bodyless") is True
    )


def other_of(children: list[dict], i: int) -> bool:
    """Whether children[i] is a select followed by pyxform's generated `NAME_other` field."""
    c = children[i]
    if i + 1 >= len(children):
        return False
    n = children[i + 1]
    return (
        n.get("type") == "text"
        and n.get("name") == f"{c.get('name')}_other"
        and n.get("label") == "Specify other."
        and n.get("bind", {}).get("relevant") == f"selected(../{c.get('name')}, 'other')"
    )


def normalise_pyxform(data: dict, has_title: bool = True) -> Reading:
    """Normalisations (none hides a difference of meaning):
    - language names become keys as Passerelle keys them (`English (en)` -> `en`), a plain
      string (untranslated column) is keyed `default`;
    - `required` / `read_only` flags (yes, TRUE, …) become `true()` / nothing; a number is
      the boolean it stands for;
    - pyxform's generated `NAME_other` field says `selected(../NAME, 'other')` where Passerelle
      says `selected(${NAME}, 'other')`: the same reference written two ways;
    - pyxform adds an `other` choice to a list used with or_other; Passerelle accepts `other`
      without adding it to the list (content/forms/README.md): that choice is dropped here;
    - pyxform's `meta/instanceID` group is dropped, and the title it makes up from the form id
      when the settings sheet has no form_title;
    - a default pyxform reads as an expression (`${x}`, a function call: set when the form
      opens) is marked `{"expression": ...}`, so that it differs from the same text taken
      literally.
    """
    problems: list[str] = []
    or_other_lists: set[str] = set()
    items: list[Item] = []

    def walk(children: list[dict], prefix: str):
        for i, c in enumerate(children):
            if is_pyxform_meta(c):
                continue
            name = c.get("name", "")
            path = f"{prefix}{name}"
            ptype = c.get("type", "")
            for k in c:
                if k not in PYXFORM_ITEM_KEYS:
                    problems.append(f"{path}: pyxform sets '{k}' = {c[k]!r}")
            bind = c.get("bind", {}) or {}
            for k in bind:
                if k not in PYXFORM_BIND_KEYS:
                    problems.append(f"{path}: pyxform binds '{k}' = {bind[k]!r}")
            control = c.get("control", {}) or {}
            for k in control:
                if k not in PYXFORM_CONTROL_KEYS:
                    problems.append(f"{path}: pyxform control '{k}' = {control[k]!r}")
            params = c.get("parameters") or {}
            if params:
                problems.append(f"{path}: pyxform parameters {params!r}")
            if ptype in ("group", "repeat"):
                attrs = {
                    "label": text(c.get("label")),
                    "relevant": bind.get("relevant"),
                    "appearance": control.get("appearance"),
                }
                if ptype == "repeat":
                    attrs["repeat_count"] = control.get("jr:count")
                # A group's hint and messages do not reach pyxform's XForm either: not compared.
                # A rule on a group (required, constraint, calculation, read-only) does, and
                # Passerelle refuses it: compared, so that it shows.
                for k in ("required", "constraint", "calculate", "readonly"):
                    if bind.get(k) not in (None, ""):
                        attrs[k] = bind[k]
                items.append(Item(path, ptype, attrs))
                walk(c.get("children", []), path + "/")
                continue
            generated_other = i > 0 and other_of(children, i - 1)
            if ptype in PYXFORM_METADATA:
                ftype = {"type": "metadata", "metadata": ptype}
            elif ptype in PYXFORM_TYPES:
                ftype = {"type": PYXFORM_TYPES[ptype]}
            else:
                ftype = {"type": f"pyxform:{ptype}"}
            if ftype["type"] in ("select_one", "select_multiple"):
                ftype["list"] = c.get("list_name") or c.get("itemset")
                ftype["or_other"] = other_of(children, i)
                if ftype["or_other"]:
                    or_other_lists.add(ftype["list"])
            relevant = bind.get("relevant")
            default = c.get("default")
            if c.get("_dynamic_default"):
                # pyxform reads this default as an expression, set when the form opens.
                default = {"expression": default}
            if generated_other:
                relevant = relevant.replace(f"../{children[i - 1]['name']}", f"${{{children[i - 1]['name']}}}")
            attrs = {
                **ftype,
                "label": text(c.get("label")),
                "hint": text(c.get("hint")),
                "required": flag_or_expression(bind.get("required")),
                "required_message": text(bind.get("jr:requiredMsg")),
                "relevant": relevant,
                "constraint": bind.get("constraint"),
                "constraint_message": text(bind.get("jr:constraintMsg")),
                "calculation": bind.get("calculate"),
                "read_only": flag_or_expression(bind.get("readonly")) == "true()",
                "default": default,
                "choice_filter": c.get("choice_filter"),
                "appearance": control.get("appearance"),
            }
            items.append(Item(path, "field", attrs))

    walk(data.get("children", []), "")
    # pyxform adds `other` to the list itself, so every select of that list offers it; only
    # when all of them are or_other is that the same as Passerelle accepting `other` for them.
    for it in items:
        if it.attrs.get("list") in or_other_lists and not it.attrs.get("or_other"):
            or_other_lists.discard(it.attrs["list"])

    choices: dict[str, list[dict]] = {}
    for list_name, cs in (data.get("choices") or {}).items():
        out = []
        for ch in cs:
            if (
                list_name in or_other_lists
                and ch.get("name") == "other"
                and ch is cs[-1]
                and set(text(ch.get("label")).values()) <= {"Other"}
            ):
                continue  # pyxform's own `other` choice
            extra = {
                k: v
                for k, v in ch.items()
                if k not in ("name", "label", "media") and v not in (None, "")
            }
            out.append({"name": ch.get("name"), "label": text(ch.get("label")), "extra": extra})
        choices[list_name] = out

    dl = data.get("default_language")
    title = text(data.get("title"))
    if not has_title:
        title = {}  # pyxform's fallback (the form id) when the settings give no form_title
    form = {
        "id": data.get("id_string"),
        "version": data.get("version"),
        "title": title,
        "default_language": None if dl in (None, "default") else lang_key(dl),
    }
    return Reading(form, items, choices, problems)


# ---- Passerelle's JSON -> the common shape -------------------------------------------------

SMART_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def pyxform_clean(value):
    """What pyxform's `clean_text_values` (on by default) does to every cell before reading it:
    typographic quotes become straight ones and runs of spaces one space. Applied to
    Passerelle's side, so that this cleaning is not reported as a difference; a typographic
    quote in an expression still shows, as Passerelle refuses the expression."""
    if isinstance(value, str):
        for old, new in SMART_QUOTES.items():
            value = value.replace(old, new)
        return re.sub(r"( )+", " ", value).strip()
    if isinstance(value, dict):
        return {k: pyxform_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pyxform_clean(v) for v in value]
    return value


def normalise_passerelle(data: dict) -> Reading:
    data = pyxform_clean(data)
    items: list[Item] = []

    def walk(children: list[dict], prefix: str):
        for c in children:
            path = f"{prefix}{c['name']}"
            if c["kind"] in ("group", "repeat"):
                attrs = {
                    "label": c.get("label") or {},
                    "relevant": c.get("relevant"),
                    "appearance": c.get("appearance"),
                }
                if c["kind"] == "repeat":
                    attrs["repeat_count"] = c.get("repeat_count")
                items.append(Item(path, c["kind"], attrs))
                walk(c.get("items", []), path + "/")
                continue
            bind = c.get("bind", {})
            ftype = {"type": c["type"]}
            if c["type"] in ("select_one", "select_multiple"):
                ftype["list"] = c.get("list")
                ftype["or_other"] = c.get("or_other", False)
            if c["type"] == "metadata":
                ftype["metadata"] = c.get("metadata")
            attrs = {
                **ftype,
                "label": c.get("label") or {},
                "hint": c.get("hint") or {},
                "required": bind.get("required"),
                "required_message": bind.get("required_message") or {},
                "relevant": bind.get("relevant"),
                "constraint": bind.get("constraint"),
                "constraint_message": bind.get("constraint_message") or {},
                "calculation": bind.get("calculation"),
                "read_only": bool(bind.get("read_only")),
                "default": c.get("default"),
                "choice_filter": c.get("choice_filter"),
                "appearance": c.get("appearance"),
            }
            items.append(Item(path, "field", attrs))

    walk(data.get("items", []), "")
    choices = {
        name: [{"name": ch["name"], "label": ch.get("label") or {}, "extra": ch.get("extra") or {}} for ch in cs]
        for name, cs in (data.get("choices") or {}).items()
    }
    form = {
        "id": data.get("id"),
        "version": data.get("version"),
        "title": data.get("title") or {},
        "default_language": data.get("default_language"),
    }
    return Reading(form, items, choices)


# ---- comparison ----------------------------------------------------------------------------


@dataclass
class Mismatch:
    form: str
    path: str
    aspect: str
    pyxform: object
    passerelle: object
    known: str | None = None  # the KNOWN_DIFFERENCES explanation, when it is one
    labels: tuple[str, str] = ("pyxform", "passerelle")


def show(v) -> str:
    if isinstance(v, str):
        return repr(v)
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def compare(form: str, px: Reading, pa: Reading) -> list[Mismatch]:
    out: list[Mismatch] = []

    def diff(path, aspect, a, b):
        if a != b:
            out.append(Mismatch(form, path, aspect, a, b))

    for k in ("id", "version", "title", "default_language"):
        diff("form", k, px.form[k], pa.form[k])

    for p in px.problems:
        path, _, what = p.partition(": ")
        out.append(Mismatch(form, path, "pyxform-only", what, None))

    # Names, order and nesting: the two item paths in order.
    px_paths = [(i.path, i.kind) for i in px.items]
    pa_paths = [(i.path, i.kind) for i in pa.items]
    if px_paths != pa_paths:
        for a, b in zip(px_paths, pa_paths):
            if a != b:
                out.append(Mismatch(form, a[0], "order/nesting", f"{a[1]} {a[0]}", f"{b[1]} {b[0]}"))
                break
        only_px = [p for p in px_paths if p not in pa_paths]
        only_pa = [p for p in pa_paths if p not in px_paths]
        for p in only_px:
            out.append(Mismatch(form, p[0], "presence", f"{p[1]} present", "absent"))
        for p in only_pa:
            out.append(Mismatch(form, p[0], "presence", "absent", f"{p[1]} present"))

    pa_by = {(i.path, i.kind): i for i in pa.items}
    for i in px.items:
        j = pa_by.get((i.path, i.kind))
        if j is None:
            continue
        for k in sorted(set(i.attrs) | set(j.attrs)):
            a, b = i.attrs.get(k), j.attrs.get(k)
            if k not in j.attrs and a in (None, {}, False):
                continue
            diff(i.path, k, a, b)

    for name in sorted(set(px.choices) | set(pa.choices)):
        a, b = px.choices.get(name), pa.choices.get(name)
        if a is None or b is None:
            diff(f"choices/{name}", "list", "present" if a else "absent", "present" if b else "absent")
            continue
        diff(f"choices/{name}", "names", [c["name"] for c in a], [c["name"] for c in b])
        b_by = {c["name"]: c for c in b}
        for c in a:
            d = b_by.get(c["name"])
            if d is None:
                continue
            diff(f"choices/{name}/{c['name']}", "label", c["label"], d["label"])
            diff(f"choices/{name}/{c['name']}", "extra", c["extra"], d["extra"])
    return out


# ---- running both readers ------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [row for row in csv.reader(f)]


def settings_have_title(form_dir: Path) -> bool:
    p = form_dir / "settings.csv"
    rows = read_csv(p) if p.exists() else []
    if len(rows) < 2:
        return False
    return any(
        h.split("::")[0].strip().lower() in ("form_title", "title", "set_form_title") and v.strip()
        for h, v in zip(rows[0], rows[1])
    )


def workbook(form_dir: Path) -> bytes:
    """The form's CSV sheets as one .xlsx, every non-empty cell written as text (a cell that
    starts with `=` stays text, not a spreadsheet formula)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in ("survey", "choices", "settings"):
        p = form_dir / f"{sheet}.csv"
        if not p.exists():
            continue
        ws = wb.create_sheet(sheet)
        for r, row in enumerate(read_csv(p), start=1):
            for c, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def passerelle_inspect(binary: str, target: Path) -> tuple[dict | None, str]:
    p = subprocess.run([binary, "form", "inspect", str(target), "--json"], capture_output=True, text=True)
    try:
        data = json.loads(p.stdout) if p.stdout.strip() else None
    except json.JSONDecodeError:
        data = None
    if p.returncode != 0 or data is None or "errors" in (data or {}):
        errors = (data or {}).get("errors") if isinstance(data, dict) else None
        if errors:
            msg = "; ".join(
                f"{e.get('sheet')}!{e.get('column_letter') or ''}{e.get('row') or ''} {e['kind']['code']}: {e['kind']['message']}"
                for e in errors
            )
        else:
            msg = (p.stderr or p.stdout).strip()[:500]
        return None, f"exit {p.returncode}: {msg}"
    return data, p.stderr.strip()


@dataclass
class Result:
    form: str
    items: int = 0
    lists: int = 0
    pyxform_warnings: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)


def check(form_dir: Path, binary: str, tmp: Path) -> Result:
    name = os.path.relpath(form_dir, ROOT)
    res = Result(name)
    xlsx = workbook(form_dir)
    xlsx_path = tmp / f"{form_dir.name}.xlsx"
    xlsx_path.write_bytes(xlsx)

    px = None
    try:
        warnings: list[str] = []
        converted = pyxform_convert(xlsx, file_type=".xlsx", warnings=warnings)
        res.pyxform_warnings = warnings
        px = normalise_pyxform(converted._pyxform, has_title=settings_have_title(form_dir))
    except Exception as err:  # pyxform raises PyXFormError, and sometimes others
        res.mismatches.append(Mismatch(name, "form", "pyxform reads it", f"no: {type(err).__name__}: {err}", "yes"))

    pa_csv, err_csv = passerelle_inspect(binary, form_dir)
    if pa_csv is None:
        res.mismatches.append(Mismatch(name, "form", "passerelle reads it", "yes" if px else "?", f"no: {err_csv}"))
        return res
    pa_xlsx, err_xlsx = passerelle_inspect(binary, xlsx_path)
    if pa_xlsx is None:
        res.mismatches.append(Mismatch(name, "form", "passerelle reads the .xlsx", "yes", f"no: {err_xlsx}"))
    else:
        res.mismatches.extend(csv_vs_xlsx(name, pa_csv, pa_xlsx))

    pa = normalise_passerelle(pa_csv)
    res.items = len(pa.items)
    res.lists = len(pa.choices)
    if px is not None:
        res.mismatches.extend(compare(name, px, pa))
    if pa_csv.get("id") == "trafficking_screening" and DELPHI.exists():
        res.mismatches.extend(delphi_lists(name, pa))
    return res


DELPHI = ROOT / "content" / "trafficking" / "delphi-indicators.toml"


def delphi_lists(name: str, pa: Reading) -> list[Mismatch]:
    """Not pyxform's business, but checked here because it drifts silently: the screening
    form's lists `delphi_<list>` must be exactly what delphi_choices.py makes from the
    indicator file (ids, labels, stages)."""
    sys.path.insert(0, str(HERE))
    from delphi_choices import expected_lists

    labels = ("delphi-indicators.toml", "the form")
    out = []
    for list_name, want in expected_lists(DELPHI).items():
        want = pyxform_clean(want)
        got = pa.choices.get(list_name)
        if got is None:
            out.append(Mismatch(name, f"choices/{list_name}", "delphi list", "present", "absent", labels=labels))
        elif got != want:
            diff = next(
                (f"{w['name']} (file) / {g['name']} (form)" for w, g in zip(want, got) if w != g),
                f"{len(want)} indicators in the file, {len(got)} in the form",
            )
            out.append(Mismatch(name, f"choices/{list_name}", "delphi list",
                                "the indicators of the list", f"differs at {diff}; run tests/conformance/delphi_choices.py --write",
                                labels=labels))
    return out


def rows_of(items: list[dict], prefix: str = "") -> list[tuple[str, int]]:
    out = []
    for c in items:
        out.append((prefix + c["name"], c.get("row")))
        out.extend(rows_of(c.get("items", []), prefix + c["name"] + "/"))
    return out


def strip_rows(v):
    if isinstance(v, dict):
        return {k: strip_rows(x) for k, x in v.items() if k != "row"}
    if isinstance(v, list):
        return [strip_rows(x) for x in v]
    return v


def csv_vs_xlsx(name: str, pa_csv: dict, pa_xlsx: dict) -> list[Mismatch]:
    """Passerelle must read the CSV folder and the .xlsx made from it alike, down to the row
    numbers its messages point at (a spreadsheet row, whatever the CSV's line endings)."""
    out = []
    labels = ("passerelle .xlsx", "passerelle .csv")
    if strip_rows(pa_csv) != strip_rows(pa_xlsx):
        out.append(Mismatch(name, "form", "csv = xlsx", "the form as read from the .xlsx",
                            "something else from the CSV folder", labels=labels))
    a, b = rows_of(pa_xlsx.get("items", [])), rows_of(pa_csv.get("items", []))
    if a != b:
        first = next((x, y) for x, y in zip(a, b) if x != y) if any(x != y for x, y in zip(a, b)) else (a[:1], b[:1])
        n = sum(1 for x, y in zip(a, b) if x != y)
        out.append(Mismatch(name, "form", "rows csv = xlsx",
                            f"{first[0][0]} on row {first[0][1]}",
                            f"{first[1][0]} on row {first[1][1]} ({n} item(s) on another row)", labels=labels))
    return out


def form_dirs(args: list[str]) -> list[Path]:
    roots = [Path(a).resolve() for a in args] if args else DEFAULT_DIRS
    out = []
    for r in roots:
        if (r / "survey.csv").exists():
            out.append(r)
        elif r.is_dir():
            out.extend(sorted(d for d in r.iterdir() if (d / "survey.csv").exists()))
        else:
            sys.exit(f"{r}: not a form folder (survey.csv) nor a folder of them")
    return out


def apply_known(results: list[Result]) -> list[dict]:
    """Marks the mismatches KNOWN_DIFFERENCES lists; returns the entries that matched nothing."""
    used = [False] * len(KNOWN_DIFFERENCES)
    for r in results:
        for m in r.mismatches:
            for n, k in enumerate(KNOWN_DIFFERENCES):
                if (k["form"], k["path"], k["aspect"]) == (m.form, m.path, m.aspect):
                    m.known = k["why"]
                    used[n] = True
    checked = {r.form for r in results}
    return [k for n, k in enumerate(KNOWN_DIFFERENCES) if not used[n] and k["form"] in checked]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("PASSERELLE_BIN", DEFAULT_BIN), help="the passerelle binary")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print pyxform's warnings")
    ap.add_argument("forms", nargs="*", help="form folders, or folders of them (default: content/forms and the corpus)")
    args = ap.parse_args()

    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        print(f"check_forms.py: no passerelle binary at {args.bin} (build it, or set PASSERELLE_BIN)", file=sys.stderr)
        return 2
    dirs = form_dirs(args.forms)
    if not dirs:
        print("check_forms.py: no form to check", file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="passerelle-conformance-") as tmp:
        results = [check(d, args.bin, Path(tmp)) for d in dirs]
    stale = apply_known(results)
    took = time.monotonic() - started

    width = max(len(r.form) for r in results)
    print(f"{'form':<{width}}  items  lists  result")
    print(f"{'-' * width}  -----  -----  ------")
    failing = 0
    for r in results:
        bad = [m for m in r.mismatches if m.known is None]
        known = [m for m in r.mismatches if m.known is not None]
        failing += len(bad)
        result = "ok" if not bad else f"{len(bad)} mismatch(es)"
        if known:
            result += f" ({len(known)} known difference(s))"
        print(f"{r.form:<{width}}  {r.items:>5}  {r.lists:>5}  {result}")

    for title, pick in (("Mismatches", lambda m: m.known is None), ("Known differences (KNOWN_DIFFERENCES)", lambda m: m.known is not None)):
        ms = [m for r in results for m in r.mismatches if pick(m)]
        if not ms:
            continue
        print(f"\n{title}:")
        for m in ms:
            print(f"  {m.form}  {m.path}  [{m.aspect}]")
            w = max(len(m.labels[0]), len(m.labels[1])) + 1
            print(f"      {m.labels[0] + ':':<{w}} {show(m.pyxform)}")
            print(f"      {m.labels[1] + ':':<{w}} {show(m.passerelle)}")
            if m.known:
                print(f"      why: {m.known}")
    if args.verbose:
        for r in results:
            for w in r.pyxform_warnings:
                print(f"  pyxform warning, {r.form}: {w}")
    if stale:
        print("\nKNOWN_DIFFERENCES entries that no longer occur (remove them):")
        for k in stale:
            print(f"  {k['form']}  {k['path']}  [{k['aspect']}]")

    print(
        f"\n{len(results)} form(s) checked against pyxform in {took:.1f}s: "
        f"{failing} mismatch(es), {sum(1 for r in results for m in r.mismatches if m.known)} known difference(s)"
        + (f", {len(stale)} stale known difference(s)" if stale else "")
    )
    return 1 if failing or stale else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The Delphi choice lists of content/forms/trafficking_screening/choices.csv, made from
content/trafficking/delphi-indicators.toml: one list per Delphi list (`delphi_adult_labour`,
`delphi_adult_sexual`, `delphi_child_labour`, `delphi_child_sexual`), a choice per indicator of
that list, named by its id and labelled in fr/en/es, with `recruitment` / `destination` = yes/no
for the stages at which the indicator is rated (the form's choice_filter uses them).

  delphi_choices.py          exits 1 and says so when the form's lists differ from the file
  delphi_choices.py --write  rewrites the Delphi lists of choices.csv (other lists are kept)

Standard library only; check_forms.py uses `expected_lists` for the same check.
"""

from __future__ import annotations

import csv
import io
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DELPHI = ROOT / "content" / "trafficking" / "delphi-indicators.toml"
CHOICES = ROOT / "content" / "forms" / "trafficking_screening" / "choices.csv"
LISTS = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")
RECRUITMENT_DIMENSIONS = {"deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability"}
LANGS = (("fr", "label::Français (fr)"), ("en", "label::English (en)"), ("es", "label::Español (es)"))


def expected_lists(path: Path = DELPHI) -> dict[str, list[dict]]:
    """List name -> choices as Passerelle's inspect shows them (name, label by language key,
    extra columns)."""
    with path.open("rb") as f:
        indicators = tomllib.load(f)["indicator"]
    out = {}
    for code in LISTS:
        choices = []
        for ind in indicators:
            ratings = [r for r in ind["rating"] if code in r]
            if not ratings:
                continue
            stages = {"recruitment": "no", "destination": "no"}
            for r in ratings:
                stages["recruitment" if r["dimension"] in RECRUITMENT_DIMENSIONS else "destination"] = "yes"
            choices.append({"name": ind["id"], "label": {k: ind["label"][k] for k, _ in LANGS}, "extra": stages})
        out[f"delphi_{code}"] = choices
    return out


def rows_in_file() -> tuple[list[str], list[list[str]]]:
    with CHOICES.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def rewritten() -> str:
    header, rows = rows_in_file()
    col = {h: i for i, h in enumerate(header)}
    for needed in ("list_name", "name", "recruitment", "destination", *(h for _, h in LANGS)):
        if needed not in col:
            sys.exit(f"{CHOICES}: no column {needed}")
    kept = [r for r in rows if not r[col["list_name"]].startswith("delphi_")]
    for list_name, choices in expected_lists().items():
        for c in choices:
            row = [""] * len(header)
            row[col["list_name"]], row[col["name"]] = list_name, c["name"]
            for key, h in LANGS:
                row[col[h]] = c["label"][key]
            row[col["recruitment"]], row[col["destination"]] = c["extra"]["recruitment"], c["extra"]["destination"]
            kept.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *kept])
    return buf.getvalue()


def main() -> int:
    new = rewritten()
    if "--write" in sys.argv[1:]:
        CHOICES.write_text(new, encoding="utf-8")
        print(f"wrote {CHOICES.relative_to(ROOT)}")
        return 0
    if CHOICES.read_text(encoding="utf-8") != new:
        print(f"{CHOICES.relative_to(ROOT)}: the Delphi lists differ from {DELPHI.relative_to(ROOT)}; "
              "run tests/conformance/delphi_choices.py --write")
        return 1
    print("the Delphi lists match the indicator file")
    return 0


if __name__ == "__main__":
    sys.exit(main())

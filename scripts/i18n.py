#!/usr/bin/env python3
"""Keep the Chinese catalog in step with the code.

    python scripts/i18n.py update    # extract msgids from nemo_desktop/, merge into zh_CN .po, compile .mo
    python scripts/i18n.py check     # exit 1 if a msgid is untranslated or the .mo is stale

Uses Babel (a test/dev dependency); the app itself only needs the compiled .mo and the standard gettext.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nemo_desktop"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "nemo_desktop.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "tr": (1,), "N_": None, "QT_TRANSLATE_NOOP": None}


def extract() -> Catalog:
    template = Catalog(project="nemo-desktop", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n",),
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            template.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return template


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="zh_CN", project="nemo-desktop", charset="utf-8")
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def update() -> int:
    catalog = load_po()
    catalog.update(extract(), no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=120, omit_header=False, sort_output=True, ignore_obsolete=True)
    MO.write_bytes(compiled(load_po()))
    missing = [m.id for m in load_po() if m.id and not m.string]
    print(f"{len(missing)} untranslated")
    for m in missing:
        print("  ", m)
    return 0


def content(catalog: Catalog) -> tuple[str | None, dict[tuple[object, str | None], object]]:
    """What a compiled catalog means to gettext: its plural rule and every (msgid, context) → msgstr.

    The header's other fields (generator, dates) are left out on purpose: a new Babel release writes a
    different ``Generated-By`` line, and a check that compared bytes would fail a clean machine for it."""
    messages = {(m.id, m.context): m.string for m in catalog if m.id and m.string and not m.fuzzy}
    return catalog.plural_forms, messages


def problems() -> list[str]:
    out: list[str] = []
    catalog = load_po()
    known = {m.id: m.string for m in catalog if m.id}
    for message in extract():
        if message.id and not known.get(message.id):
            out.append(f"untranslated: {message.id!r}")
    stale = not MO.exists()
    if not stale:
        with MO.open("rb") as fh:
            stale = content(read_mo(fh)) != content(catalog)
    if stale:
        out.append("the .mo file is stale: run `python scripts/i18n.py update`")
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        return update()
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

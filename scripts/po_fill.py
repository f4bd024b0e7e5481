"""Fill empty German msgstrs of a .po file from a Python dict file (developer helper).

Usage: python scripts/po_fill.py PO_FILE DICT_FILE   (DICT_FILE defines DE = {msgid: msgstr})
A tuple key (singular, plural) maps to a tuple (singular, plural) translation.
"""

import runpy
import sys

import polib


def main(po_path: str, dict_path: str) -> None:
    table = runpy.run_path(dict_path)["DE"]
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.msgid_plural:
            value = table.get((entry.msgid, entry.msgid_plural))
            if value and not entry.msgstr_plural.get(0):
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            elif not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            if entry.msgid in table:
                entry.msgstr = table[entry.msgid]
            else:
                missing.append(entry.msgid)
        if "fuzzy" in entry.flags and entry.msgid in table:
            entry.flags.remove("fuzzy")
            entry.msgstr = table[entry.msgid]
    po.save(po_path)
    for msgid in missing:
        print("missing:", repr(msgid))


if __name__ == "__main__":
    main(*sys.argv[1:])

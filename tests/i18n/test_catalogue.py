"""The Khmer catalogue is complete, reviewed and in step with the code.

Fails when a marked string has no Khmer, when an entry is fuzzy, when the "Khmer" is the
English copied over (outside the short list of names below), when placeholders differ, when
the compiled .mo files are not the .po files, and when the code has strings the catalogue does
not (someone marked a string and did not run ``bin/messages``).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP_PO = ROOT / "locale/km/LC_MESSAGES/django.po"
VENDOR_PO = ROOT / "translations/vendor/km/LC_MESSAGES/django.po"
CATALOGUES = [SHOP_PO, VENDOR_PO]

# Messages that are the same in Khmer: names and codes, reviewed one by one.
SAME_IN_KHMER = {
    "KHQR",
    "Bakong",
    "USD",
    "KHR",
    "Telegram",
    "Facebook",
    "English",
    "ខ្មែរ",
    "CSV",
    "XLSX",
    "OK",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
LATIN_LETTER = re.compile("[A-Za-z]")


def entries(path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def translations_of(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[key] for key in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def label(path, entry):
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{path.relative_to(ROOT)}: {context}{entry.msgid!r}"


def words(text):
    """``text`` without placeholders and HTML tags: what a reader sees."""
    return re.sub(r"<[^>]+>", "", PLACEHOLDER.sub("", text))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_every_message_is_translated_and_reviewed(path):
    assert path.exists(), f"{path} is missing"
    catalogue = polib.pofile(str(path))
    assert not catalogue.metadata_is_fuzzy, "a fuzzy header is dropped by msgfmt"
    assert catalogue.metadata.get("Language") == "km"
    assert catalogue.metadata.get("Plural-Forms", "").startswith("nplurals=1;")
    problems = []
    for entry in entries(path):
        where = label(path, entry)
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
        for text in translations_of(entry):
            if not text.strip():
                problems.append(f"untranslated: {where}")
                continue
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                problems.append(f"placeholders differ: {where} -> {text!r}")
            if entry.msgid in SAME_IN_KHMER or not LATIN_LETTER.search(words(entry.msgid)):
                continue
            if text == entry.msgid:
                problems.append(f"English copied over: {where}")
            elif not KHMER.search(words(text)):
                problems.append(f"no Khmer in the translation: {where} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_compiled_catalogue_is_the_source(path, tmp_path):
    """The committed .mo (what Django reads) is what msgfmt makes of the committed .po."""
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(path)], check=True)
    committed = path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run bin/messages compile"

    def as_dict(mo):
        return {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(mo)}

    assert as_dict(str(committed)) == as_dict(str(compiled)), (
        f"{committed.relative_to(ROOT)} is out of date: run bin/messages compile"
    )


def test_catalogue_holds_every_marked_string(tmp_path):
    """Extract the strings from a copy of the code, as ``bin/messages`` does, and compare."""
    copy = tmp_path / "shop"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            *(".git", ".venv", "node_modules", "media", "staticfiles", "tests", "bench", "docs"),
            *("artifacts", "logs", "backups", ".ruff_cache", ".pytest_cache", ".hypothesis"),
        ),
        symlinks=True,
    )
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "km",
            "--add-location",
            "file",
            *("--ignore", "devtools/*", "--ignore", "translations/*", "--ignore", "*/management/*"),
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "website.settings.dev", "PATH": "/usr/bin:/bin"},
    )
    fresh = {(e.msgctxt, e.msgid) for e in entries(copy / "locale/km/LC_MESSAGES/django.po")}
    kept = {(e.msgctxt, e.msgid) for e in entries(SHOP_PO)}
    missing, stale = sorted(fresh - kept, key=str), sorted(kept - fresh, key=str)
    assert not missing, f"marked in the code but not in the catalogue (run bin/messages): {missing}"
    assert not stale, f"in the catalogue but no longer in the code (run bin/messages): {stale}"

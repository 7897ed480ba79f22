#!/usr/bin/env bash
# Refresh every app's Japanese catalogue (locale/ja) from the source, keeping translations when a
# string moves between apps: makemessages adds the moved msgid untranslated to its new app, and
# msgmerge then fills it from a compendium of all catalogues as they were before the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# COMPENDIUM_EXTRA: more catalogues to take translations from (e.g. both sides of a merge).
# shellcheck disable=SC2086
msgcat --use-first -o "$tmp/compendium.po" src/madoguchi/*/locale/ja/LC_MESSAGES/django.po \
  ${COMPENDIUM_EXTRA:-}
for locale in src/madoguchi/*/locale; do
  app="$(dirname "$locale")"
  (cd "$app" && "$OLDPWD/$PY" "$OLDPWD/manage.py" makemessages -l ja --no-obsolete -v 0)
  po="$locale/ja/LC_MESSAGES/django.po"
  # The header is one msgid ""; anything more is a string to translate. A fuzzy entry
  # (makemessages' guess from a similar string) is not a translation either.
  missing="$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)"
  fuzzy="$(msgattrib --only-fuzzy --clear-fuzzy "$po" | grep -c '^msgid ' || true)"
  [ "$missing" -gt 1 ] || [ "$fuzzy" -gt 1 ] || continue
  msgattrib --translated --no-fuzzy -o "$tmp/own.po" "$po"
  [ -s "$tmp/own.po" ] || cp "$po" "$tmp/own.po"
  msgmerge --quiet --no-fuzzy-matching --previous --compendium="$tmp/compendium.po" \
    -o "$po" "$tmp/own.po" "$po"
  left="$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)"
  if [ "$left" -gt 1 ]; then echo "$po: $((left - 1)) msgid(s) to translate" >&2; fi
  left="$(msgattrib --only-fuzzy "$po" | grep -c '^msgid ' || true)"
  if [ "$left" -gt 1 ]; then echo "$po: $((left - 1)) fuzzy msgid(s) to check" >&2; fi
done

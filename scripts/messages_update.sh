#!/usr/bin/env bash
# Refresh every app's catalogues from the source, keeping translations when a string moves
# between apps: makemessages adds the moved msgid untranslated to its new app, and msgmerge then
# fills it from a compendium of all catalogues of that language as they were before the run.
# Every app has locale/ja; the resident-facing apps also have locale/en and locale/ja_X-easy
# (やさしい日本語, docs/i18n.md), refreshed the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
LOCALES="ja en ja_X-easy"
# COMPENDIUM_EXTRA: more catalogues to take translations from (e.g. both sides of a merge);
# each is used for the language whose locale directory its path names.
for lang in $LOCALES; do
  extra=""
  for po in ${COMPENDIUM_EXTRA:-}; do
    case "$po" in */locale/"$lang"/*) extra="$extra $po" ;; esac
  done
  # shellcheck disable=SC2086
  msgcat --use-first -o "$tmp/compendium-$lang.po" src/madoguchi/*/locale/"$lang"/LC_MESSAGES/django.po \
    $extra 2>/dev/null || : > "$tmp/compendium-$lang.po"
done
for locale in src/madoguchi/*/locale; do
  app="$(dirname "$locale")"
  args=()
  for lang in $LOCALES; do
    [ -d "$locale/$lang" ] && args+=(-l "$lang")
  done
  (cd "$app" && "$OLDPWD/$PY" "$OLDPWD/manage.py" makemessages "${args[@]}" --no-obsolete -v 0)
  for lang in $LOCALES; do
    po="$locale/$lang/LC_MESSAGES/django.po"
    [ -f "$po" ] || continue
    # The header is one msgid ""; anything more is a string to translate. A fuzzy entry
    # (makemessages' guess from a similar string) is not a translation either.
    missing="$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)"
    fuzzy="$(msgattrib --only-fuzzy --clear-fuzzy "$po" | grep -c '^msgid ' || true)"
    [ "$missing" -gt 1 ] || [ "$fuzzy" -gt 1 ] || continue
    msgattrib --translated --no-fuzzy -o "$tmp/own.po" "$po"
    [ -s "$tmp/own.po" ] || cp "$po" "$tmp/own.po"
    msgmerge --quiet --no-fuzzy-matching --previous --compendium="$tmp/compendium-$lang.po" \
      -o "$po" "$tmp/own.po" "$po"
    left="$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)"
    if [ "$left" -gt 1 ]; then echo "$po: $((left - 1)) msgid(s) to translate" >&2; fi
    left="$(msgattrib --only-fuzzy "$po" | grep -c '^msgid ' || true)"
    if [ "$left" -gt 1 ]; then echo "$po: $((left - 1)) fuzzy msgid(s) to check" >&2; fi
  done
done

#!/usr/bin/env bash
# scripts/need.sh COMMAND DEBIAN_PACKAGE — make sure COMMAND exists: install the Debian package
# when we can (root with apt), or say in one line what to run. Used by the make targets so that
# nothing the README names stops on a missing binary.
set -euo pipefail
command="$1" package="$2"
if command -v "$command" >/dev/null 2>&1 || [ -x "$command" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $package (for $command)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$package" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "$package" >/dev/null; }
  exit 0
fi
echo "$command is missing: run 'sudo apt-get install $package' (Debian/Ubuntu) and try again" >&2
exit 1

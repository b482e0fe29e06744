#!/usr/bin/env bash
# Generates the de_DE.UTF-8 locale, so the tests that run the CLI under a German LANG (decimal
# comma) exercise it (tst_cli_run::numbersStayCFormattedUnderAGermanLocale). Run as root.
set -euo pipefail
if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  echo "edge-rt: locale de_DE.UTF-8 present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
dpkg-query -W -f='${Status}' locales 2>/dev/null | grep -q "install ok installed" ||
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends locales; }
sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' >>/etc/locale.gen
locale-gen

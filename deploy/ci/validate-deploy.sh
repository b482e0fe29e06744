#!/usr/bin/env bash
# Validates the Raspberry Pi deployment files on the CI machine: shellcheck on the scripts,
# systemd-analyze verify on the units (in a staged root holding stand-ins for their programs),
# and deploy/rpi4/install.sh itself: it refuses a non-aarch64 machine, its dry run changes
# nothing and says the same twice, and staged installs (--destdir) are idempotent and never
# overwrite an edited configuration.
#
# Usage: bash deploy/ci/validate-deploy.sh [BUILD_DIR]   (a native build with the CLI and the
#        dashboard; default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "validate-deploy: FAILED: $*" >&2
  exit 1
}
pass() { echo "validate-deploy: ok: $*"; }

# --- tools ---------------------------------------------------------------------------------------
missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "install ${missing[*]} (Debian packages) or run as root"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- shellcheck ----------------------------------------------------------------------------------
scripts=(deploy/debian-deps.sh deploy/rpi4/install.sh deploy/rpi4/edge-rt-display-sleep deploy/ci/*.sh)
shellcheck --severity=style "${scripts[@]}" || fail "shellcheck"
pass "shellcheck: ${scripts[*]}"

# --- systemd units -------------------------------------------------------------------------------
root=$work/root
mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/local/bin" "$root/usr/bin"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/" # the units ours refer to (getty@, targets)
cp deploy/rpi4/systemd/*.service "$root/etc/systemd/system/"
for program in usr/local/bin/edge-rt-dashboard usr/local/bin/edge-rt-display-sleep usr/bin/cage; do
  printf '#!/bin/sh\n' >"$root/$program"
  chmod +x "$root/$program"
done
units=("$root"/etc/systemd/system/edge-rt-*.service)
report=$(systemd-analyze --root="$root" verify "${units[@]}" 2>&1) || {
  echo "$report"
  fail "systemd-analyze verify"
}
# Warnings (unknown keys, bad values) do not change the exit status: treat them as errors.
[[ -z $report ]] || {
  echo "$report"
  fail "systemd-analyze verify printed warnings"
}
pass "systemd-analyze verify: $(cd deploy/rpi4/systemd && echo *.service)"

# --- edge-rt-display-sleep on a fake backlight ---------------------------------------------------
mkdir -p "$work/backlight"
echo 0 >"$work/backlight/bl_power"
export BACKLIGHT=$work/backlight TOUCH_DEVICE=/dev/null
deploy/rpi4/edge-rt-display-sleep off
[[ $(cat "$work/backlight/bl_power") == 4 ]] || fail "display-sleep off"
deploy/rpi4/edge-rt-display-sleep on
[[ $(cat "$work/backlight/bl_power") == 0 ]] || fail "display-sleep on"
deploy/rpi4/edge-rt-display-sleep status | grep -q "bl_power=0" || fail "display-sleep status"
unset BACKLIGHT TOUCH_DEVICE
pass "edge-rt-display-sleep on/off/status"

# --- install.sh ------------------------------------------------------------------------------------
install=deploy/rpi4/install.sh
[[ -x $build/app/cli/edge-rt ]] || fail "$build/app/cli/edge-rt not built"
if [[ $(uname -m) != aarch64 ]]; then
  if out=$(bash "$install" --dry-run 2>&1); then fail "install.sh ran on $(uname -m) without --allow-non-aarch64"; fi
  grep -q "not a Raspberry Pi 4" <<<"$out" || fail "install.sh refused without saying why: $out"
  pass "install.sh refuses $(uname -m) without --allow-non-aarch64"
fi

etc_before=$(ls -d /etc/edge-rt /var/lib/edge-rt /etc/systemd/system/edge-rt-dashboard.service 2>/dev/null || true)
bash "$install" --dry-run --allow-non-aarch64 >"$work/dry1" 2>&1 || {
  cat "$work/dry1"
  fail "install.sh --dry-run"
}
bash "$install" --dry-run --allow-non-aarch64 >"$work/dry2" 2>&1
diff -u "$work/dry1" "$work/dry2" || fail "two dry runs differ"
etc_after=$(ls -d /etc/edge-rt /var/lib/edge-rt /etc/systemd/system/edge-rt-dashboard.service 2>/dev/null || true)
[[ $etc_before == "$etc_after" ]] || fail "the dry run changed the machine: $etc_after"
pass "install.sh --dry-run changes nothing and repeats itself ($(tail -n +1 "$work/dry1" | grep -c '  would ') planned steps)"

stage=$work/stage
staged() { bash "$install" --allow-non-aarch64 --destdir "$stage" --binaries "$build" "$@"; }
changes() { sed -n 's/^edge-rt install: .*, \([0-9]*\) change(s).*/\1/p' "$1"; }
staged >"$work/run1" 2>&1 || {
  cat "$work/run1"
  fail "staged install"
}
for f in usr/local/bin/edge-rt usr/local/bin/edge-rt-dashboard usr/local/bin/edge-rt-display-sleep \
  usr/local/share/doc/edge-rt/README-rpi4.md var/lib/edge-rt/models/default.gguf etc/edge-rt/edge-rt.toml \
  etc/edge-rt/eglfs-kms.json etc/edge-rt/dashboard.env etc/edge-rt/display-sleep.env \
  etc/systemd/system/edge-rt-dashboard.service etc/systemd/system/edge-rt-dashboard-cage.service \
  etc/systemd/system/edge-rt-display-sleep.service; do
  [[ -e $stage/$f ]] || fail "staged install lacks /$f"
done
cmp -s resources/configs/rpi4_default.toml "$stage/etc/edge-rt/edge-rt.toml" || fail "installed config is not the preset"
grep -q "is a valid configuration" "$work/run1" || fail "install.sh did not check the configuration"
staged >"$work/run2" 2>&1
[[ $(changes "$work/run2") == 0 ]] || {
  cat "$work/run2"
  fail "second staged install changed something"
}
pass "staged install: $(changes "$work/run1") changes, then 0 on the second run"

# A user edits the configuration: it is kept, the shipped version goes beside it, once.
echo "# edited on the Pi" >>"$stage/etc/edge-rt/edge-rt.toml"
cp "$stage/etc/edge-rt/edge-rt.toml" "$work/edited.toml"
staged --preset performance >"$work/run3" 2>&1
cmp -s "$work/edited.toml" "$stage/etc/edge-rt/edge-rt.toml" || fail "the edited configuration was overwritten"
cmp -s resources/configs/performance.toml "$stage/etc/edge-rt/edge-rt.toml.new" || fail "no edge-rt.toml.new"
staged --preset performance >"$work/run4" 2>&1
[[ $(changes "$work/run4") == 0 ]] || {
  cat "$work/run4"
  fail "re-run after an edit changed something"
}
pass "an edited configuration is kept (new preset written to edge-rt.toml.new), re-run changes nothing"

# An unedited configuration follows the preset.
rm -rf "$stage"
staged >/dev/null 2>&1
staged --preset constrained_2gb >"$work/run5" 2>&1
cmp -s resources/configs/constrained_2gb.toml "$stage/etc/edge-rt/edge-rt.toml" || fail "unedited config not updated"
grep -q "unchanged since installed" "$work/run5" || fail "update not reported"
bash "$install" --dry-run --allow-non-aarch64 --destdir "$stage" --binaries "$build" --preset constrained_2gb >"$work/dry3" 2>&1
[[ $(changes "$work/dry3") == 0 ]] || {
  cat "$work/dry3"
  fail "dry run over a complete install plans changes"
}
pass "an unedited configuration follows --preset; a dry run over a complete install plans nothing"

echo "validate-deploy: all checks passed in $((SECONDS - started)) s"

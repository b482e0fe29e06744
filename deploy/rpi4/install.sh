#!/usr/bin/env bash
# Installs edge-rt on a Raspberry Pi 4 (Raspberry Pi OS bookworm 64-bit or Debian 12 arm64) as a
# touchscreen kiosk: Debian packages, a native Release build, the binaries, a model, a
# configuration preset, the KMS configuration and the systemd units. See deploy/rpi4/README.md.
#
# Safe to run again (each step checks first and says "ok" when nothing needs doing). Never
# overwrites a configuration you edited: the new preset goes beside it as *.new.
#
# Usage: sudo deploy/rpi4/install.sh [options]
#   -n, --dry-run          print what would be done, change nothing (no root needed)
#   --preset NAME          rpi4_default (default), constrained_2gb or performance
#   --model FILE           GGUF model to install as /var/lib/edge-rt/models/default.gguf
#                          (default: ../shared/models/tinystories-656k-q8_0.gguf beside the checkout)
#   --session eglfs|cage   kiosk session to enable (default eglfs)
#   --binaries BUILD_DIR   install from an existing build (e.g. a cross build) instead of building
#   --jobs N               parallel compile jobs (default: 2 below 3 GiB of RAM, else 3)
#   --no-display-sleep     do not enable backlight-off-when-idle
#   --keep-desktop         do not switch a desktop install to booting without the desktop
#   --destdir DIR          install files below DIR and skip packages, users, systemctl and boot
#                          configuration (for packaging and for testing this script)
#   --allow-non-aarch64    run on a machine that is not aarch64 (dry runs, --destdir tests)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
dry_run=false
preset=rpi4_default
model=
session=eglfs
binaries=
jobs=
display_sleep=true
keep_desktop=false
destdir=
allow_any_arch=false

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() {
  echo "install.sh: error: $*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case $1 in
  -n | --dry-run) dry_run=true ;;
  --preset) preset=${2:?--preset needs a name} && shift ;;
  --model) model=${2:?--model needs a file} && shift ;;
  --session) session=${2:?--session needs eglfs or cage} && shift ;;
  --binaries) binaries=${2:?--binaries needs a build folder} && shift ;;
  --jobs) jobs=${2:?--jobs needs a number} && shift ;;
  --no-display-sleep) display_sleep=false ;;
  --keep-desktop) keep_desktop=true ;;
  --destdir) destdir=${2:?--destdir needs a folder} && shift ;;
  --allow-non-aarch64) allow_any_arch=true ;;
  -h | --help)
    usage
    exit 0
    ;;
  *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

[[ $session == eglfs || $session == cage ]] || die "--session expects eglfs or cage, got '$session'"
preset_file=$repo/resources/configs/$preset.toml
[[ -f $preset_file ]] || die "no preset '$preset' in resources/configs/ (rpi4_default, constrained_2gb, performance)"
[[ -z $jobs || $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs expects a positive number, got '$jobs'"
if [[ -z $model ]]; then
  model=$(cd "$repo/.." && pwd)/shared/models/tinystories-656k-q8_0.gguf
fi
[[ -f $model ]] || die "model '$model' not found; pass --model FILE.gguf"
[[ -n $destdir ]] && destdir=$(mkdir -p "$destdir" && cd "$destdir" && pwd)

arch=$(uname -m)
if [[ $arch != aarch64 && $allow_any_arch != true ]]; then
  die "this is a $arch machine, not a Raspberry Pi 4 running a 64-bit OS (aarch64).
  Build for the Pi with deploy/rpi4/aarch64-linux-gnu.cmake (README.md, 'Cross-building'),
  or pass --allow-non-aarch64 for a dry run (--dry-run) or a staged install (--destdir DIR)."
fi
system=true # act on the machine itself (packages, users, systemctl, /boot)
[[ -n $destdir ]] && system=false
if [[ $dry_run != true && $system == true && $(id -u) -ne 0 ]]; then
  die "run as root (sudo $0 ...), or try --dry-run first"
fi

# --- reporting: every step says ok (nothing to do), would (dry run) or done ----------------------
changes=0
ok() { echo "  ok     $*"; }
act() { # description, then the command to run
  local what=$1
  shift
  changes=$((changes + 1))
  if [[ $dry_run == true ]]; then
    echo "  would  $what"
  else
    echo "  do     $what"
    "$@"
  fi
}
skip() { echo "  skip   $*"; }
# Actions act() runs.
apt_install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; }
record_sum() { mkdir -p "$(dirname "$1")" && echo "$2" >"$1"; }
put_config() { install -D -m 0644 "$1" "$2" && record_sum "$3" "$4"; }
enable_kms() {
  cp "$1" "$1.edge-rt.bak"
  printf '\n[all]\n# edge-rt kiosk: KMS display driver for Qt eglfs\ndtoverlay=vc4-kms-v3d\n' >>"$1"
}
step() { echo "== $*"; }

prefix=/usr/local
bindir=$destdir$prefix/bin
docdir=$destdir$prefix/share/doc/edge-rt
etcdir=$destdir/etc/edge-rt
unitdir=$destdir/etc/systemd/system
statedir=$destdir/var/lib/edge-rt
build_dir=${binaries:-$repo/build-rpi4}
if [[ -z $jobs ]]; then
  mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  jobs=$((mem_kib < 3 * 1024 * 1024 ? 2 : 3))
fi

echo "edge-rt install: $(
  [[ $dry_run == true ]] && printf 'DRY RUN, '
  true
)preset $preset, session $session, model $(basename "$model")${destdir:+, below $destdir}"

# --- 1. Debian packages ------------------------------------------------------------------------
step "Debian packages"
packages=(
  # build (deploy/debian-deps.sh minus the test and benchmark libraries)
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6opengl6-dev qcoro-qt6-dev libgl-dev libtomlplusplus-dev libpcre2-dev libedit-dev
  # run: eglfs + KMS platform plugin (libqt6opengl6), Mesa's vc4/v3d drivers, fonts, translations
  libqt6opengl6 qt6-qpa-plugins qt6-translations-l10n libgl1-mesa-dri libegl1 libgles2 libgbm1
  fonts-dejavu-core
  # touchscreen text entry (Chat page): Qt Virtual Keyboard, enabled by --kiosk
  qt6-virtualkeyboard-plugin qml6-module-qtqml-workerscript
  qml6-module-qtquick-window qml6-module-qtquick-layouts qml6-module-qt-labs-folderlistmodel
)
[[ $session == cage ]] && packages+=(cage qt6-wayland)
if [[ $system != true ]]; then
  skip "package installation (--destdir)"
else
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    ok "all ${#packages[@]} packages installed"
  else
    act "apt-get install ${missing[*]}" apt_install "${missing[@]}"
  fi
fi

# --- 2. service user ----------------------------------------------------------------------------
step "user edge-rt (runs the dashboard; no login)"
groups=(video render input tty)
if [[ $system != true ]]; then
  skip "user creation (--destdir)"
elif id edge-rt >/dev/null 2>&1; then
  ok "user edge-rt exists"
  for g in "${groups[@]}"; do
    getent group "$g" >/dev/null || continue
    if id -nG edge-rt | tr ' ' '\n' | grep -qx "$g"; then ok "edge-rt in group $g"; else act "add edge-rt to group $g" usermod -aG "$g" edge-rt; fi
  done
else
  existing=()
  for g in "${groups[@]}"; do getent group "$g" >/dev/null && existing+=("$g"); done
  act "create system user edge-rt (groups: ${existing[*]})" \
    useradd --system --home-dir /var/lib/edge-rt --no-create-home --shell /usr/sbin/nologin \
    --groups "$(
      IFS=,
      echo "${existing[*]}"
    )" edge-rt
fi

# --- 3. build ------------------------------------------------------------------------------------
step "build (Release)"
if [[ -n $binaries ]]; then
  [[ -x $build_dir/app/cli/edge-rt ]] || die "--binaries $build_dir: no app/cli/edge-rt there"
  ok "using the binaries in $build_dir"
else
  act "configure $build_dir" cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DEDGERT_BUILD_TESTS=OFF -DEDGERT_BUILD_BENCH=OFF
  act "build with $jobs jobs (first build on a Pi 4: about 15 minutes)" cmake --build "$build_dir" -j "$jobs"
fi

# --- 4. files --------------------------------------------------------------------------------------
# install_file SRC DEST MODE: copies when DEST is missing or differs.
install_file() {
  local src=$1 dest=$2 mode=$3
  if [[ -f $dest ]] && cmp -s "$src" "$dest"; then
    ok "$dest"
  elif [[ ! -e $src && $dry_run == true ]]; then
    act "install $dest (from $src, once built)" true
  else
    act "install $dest" install -D -m "$mode" "$src" "$dest"
  fi
}

step "binaries, documentation, model"
install_file "$build_dir/app/cli/edge-rt" "$bindir/edge-rt" 0755
if [[ -e $build_dir/app/dashboard/edge-rt-dashboard || -z $binaries ]]; then
  install_file "$build_dir/app/dashboard/edge-rt-dashboard" "$bindir/edge-rt-dashboard" 0755
else
  echo "  WARN   $build_dir has no edge-rt-dashboard (cross builds have no GUI): the kiosk needs it" >&2
fi
install_file "$repo/deploy/rpi4/edge-rt-display-sleep" "$bindir/edge-rt-display-sleep" 0755
install_file "$repo/deploy/rpi4/README.md" "$docdir/README-rpi4.md" 0644
install_file "$model" "$statedir/models/default.gguf" 0644

# --- 5. configuration: never overwrite an edited file -------------------------------------------
# install_config SRC DEST: installs SRC when DEST is missing or still exactly what this script
# installed last time (its checksum is kept in $statedir/installed/); otherwise keeps DEST and
# puts SRC beside it as DEST.new.
install_config() {
  local src=$1 dest=$2
  local record
  record=$statedir/installed/$(basename "$dest").sha256
  local new_sum
  new_sum=$(sha256sum <"$src" | cut -d' ' -f1)
  if [[ ! -e $dest ]]; then
    act "install $dest" put_config "$src" "$dest" "$record" "$new_sum"
    return
  fi
  local cur_sum
  cur_sum=$(sha256sum <"$dest" | cut -d' ' -f1)
  if [[ $cur_sum == "$new_sum" ]]; then
    ok "$dest"
    [[ -f $record ]] || act "record the checksum of $dest" record_sum "$record" "$new_sum"
  elif [[ -f $record && $(cat "$record") == "$cur_sum" ]]; then
    act "update $dest (unchanged since installed)" put_config "$src" "$dest" "$record" "$new_sum"
  elif [[ -f $dest.new ]] && cmp -s "$src" "$dest.new"; then
    ok "$dest (edited, kept; the shipped version is in $dest.new)"
  else
    act "keep edited $dest; write the shipped version to $dest.new" install -m 0644 "$src" "$dest.new"
  fi
}

step "configuration (/etc/edge-rt)"
install_config "$preset_file" "$etcdir/edge-rt.toml"

# The KMS configuration eglfs reads: the DRM card that drives the display. On a Pi 4 with
# vc4-kms-v3d, /dev/dri/card0 may be the render-only v3d and the display card (vc4) card1, and
# the numbering can change between kernels, so prefer the stable /dev/dri/by-path link.
kms_device=/dev/dri/card1
for card in /sys/class/drm/card[0-9]; do
  [[ -e $card ]] || continue
  compgen -G "$card-*" >/dev/null || continue # connectors (card1-DSI-1, card1-HDMI-A-1) = display card
  kms_device=/dev/dri/$(basename "$card")
  for link in /dev/dri/by-path/*-card; do
    [[ -e $link && $(readlink -f "$link") == "$kms_device" ]] && kms_device=$link
  done
  break
done
kms_json=$(mktemp)
check_log=$(mktemp)
trap 'rm -f "$kms_json" "$check_log"' EXIT
cat >"$kms_json" <<JSON
{
  "device": "$kms_device",
  "hwcursor": false,
  "pbuffers": true,
  "outputs": [
    { "name": "DSI1", "mode": "800x480" }
  ]
}
JSON
install_config "$kms_json" "$etcdir/eglfs-kms.json"
install_config "$repo/deploy/rpi4/dashboard.env" "$etcdir/dashboard.env"
install_config "$repo/deploy/rpi4/display-sleep.env" "$etcdir/display-sleep.env"

if [[ -x $bindir/edge-rt && $dry_run != true ]]; then
  # `run -c FILE --help` loads and validates the file, then only prints the help.
  if "$bindir/edge-rt" run -c "$etcdir/edge-rt.toml" --help >/dev/null 2>"$check_log"; then
    ok "$etcdir/edge-rt.toml is a valid configuration"
  else
    echo "  ERROR  $(cat "$check_log")" >&2
    exit 1
  fi
fi

# --- 6. systemd units --------------------------------------------------------------------------
step "systemd units"
units=(edge-rt-dashboard.service edge-rt-dashboard-cage.service edge-rt-display-sleep.service)
for u in "${units[@]}"; do install_file "$repo/deploy/rpi4/systemd/$u" "$unitdir/$u" 0644; done
if [[ $system == true ]]; then
  [[ $dry_run != true ]] && systemctl daemon-reload
  wanted=edge-rt-dashboard.service
  other=edge-rt-dashboard-cage.service
  [[ $session == cage ]] && wanted=edge-rt-dashboard-cage.service && other=edge-rt-dashboard.service
  if systemctl is-enabled --quiet "$other" 2>/dev/null; then act "disable $other" systemctl disable "$other"; fi
  if systemctl is-enabled --quiet "$wanted" 2>/dev/null; then ok "$wanted enabled"; else act "enable $wanted" systemctl enable "$wanted"; fi
  if [[ $display_sleep == true ]]; then
    if systemctl is-enabled --quiet edge-rt-display-sleep.service 2>/dev/null; then
      ok "edge-rt-display-sleep.service enabled"
    else
      act "enable edge-rt-display-sleep.service" systemctl enable edge-rt-display-sleep.service
    fi
  fi
  if [[ $keep_desktop != true ]] && systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
    if [[ $(systemctl get-default) == graphical.target ]]; then
      act "boot to the console instead of the desktop (the kiosk needs the display)" systemctl set-default multi-user.target
    else
      ok "boots without the desktop"
    fi
  fi
else
  skip "systemctl enable (--destdir)"
fi

# --- 7. firmware: KMS display driver ------------------------------------------------------------
step "boot configuration (vc4-kms-v3d)"
boot_config=
for f in /boot/firmware/config.txt /boot/config.txt; do [[ -f $f ]] && boot_config=$f && break; done
if [[ $system != true ]]; then
  skip "boot configuration (--destdir)"
elif [[ -z $boot_config ]]; then
  skip "no /boot/firmware/config.txt: not a Raspberry Pi OS boot partition; enable vc4-kms-v3d yourself"
elif grep -Eq '^[[:space:]]*dtoverlay=vc4-kms-v3d' "$boot_config"; then
  ok "$boot_config has dtoverlay=vc4-kms-v3d"
else
  act "add dtoverlay=vc4-kms-v3d to $boot_config (backup: $boot_config.edge-rt.bak; reboot needed)" \
    enable_kms "$boot_config"
fi

# --- done ------------------------------------------------------------------------------------------
echo
if [[ $dry_run == true ]]; then
  echo "edge-rt install: dry run, $changes change(s) would be made"
else
  echo "edge-rt install: done, $changes change(s) made"
fi
unit=edge-rt-dashboard.service
[[ $session == cage ]] && unit=edge-rt-dashboard-cage.service
cat <<EOF
Check it:
  systemctl start $unit        # or reboot
  systemctl status $unit
  journalctl -u $unit -b -f    # the dashboard's log
  edge-rt run -c /etc/edge-rt/edge-rt.toml -n 20 # the engine alone, on the console
Settings: /etc/edge-rt/edge-rt.toml (then: systemctl restart $unit)
EOF

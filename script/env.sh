# shellcheck shell=bash
# Shared by the script/ commands: where the project's Python lives and how to run in it.
# Home Assistant 2026.x needs Python >= 3.14.2. We use a python3.14 on PATH when there is one,
# otherwise a cached Debian testing root (debootstrap) entered through chroot in a private
# mount namespace, so concurrent runs never unmount each other's bind mounts.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PY_IOT_HOME_CACHE:-$REPO/.cache}"
ROOT="$CACHE/py314-root"
REQS_STAMP_INPUTS=("$REPO/requirements_test.txt" "$REPO/script/env.sh" "$REPO/script/ha_requirements.py")

# The Home Assistant releases we test (README, "Home Assistant versions"):
# - the minimum, which the pinned test plugin in requirements_test.txt pins and hacs.json declares;
# - the newest on the package index, HA_NEWEST below. `HA_VERSION=2026.12.0 script/test` tests
#   another release the day it appears; script/develop runs the newest too.
HA_NEWEST="${HA_VERSION:-2026.11.0}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

host_python314() {
  local candidate
  for candidate in "${PYTHON:-}" python3.14 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 14, 2))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ -z "${PY_IOT_HOME_MODE:-}" ]; then
  if HOST_PY="$(host_python314)"; then PY_IOT_HOME_MODE=host; else PY_IOT_HOME_MODE=chroot; fi
fi
export PY_IOT_HOME_MODE

if [ "$PY_IOT_HOME_MODE" = host ]; then
  VENV_MIN="$CACHE/venv"
  VENV_NEWEST="$CACHE/venv-ha-$HA_NEWEST"
  IN_REPO="$REPO"
else
  VENV_MIN=/opt/venv # inside the root
  VENV_NEWEST="/opt/venv-ha-$HA_NEWEST"
  IN_REPO=/repo
fi
# Commands run in the newest release's venv unless a caller says otherwise (VENV=... in_env).
VENV="$VENV_NEWEST"

requirements_hash() {
  cat "${REQS_STAMP_INPUTS[@]}" "$REPO/node/pyproject.toml" 2>/dev/null | sha256sum | cut -c1-16
}

# Run a command inside the project's environment, with the repo as working directory.
in_env() {
  if [ "$PY_IOT_HOME_MODE" = host ]; then
    (cd "$REPO" && PATH="$VENV/bin:$PATH" "$@")
  else
    local env_vars=(HOME=/root PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" LANG=C.UTF-8
      PIP_CERT=/root/ca.crt TZ=UTC PY_IOT_HOME_IN_ROOT=1)
    local name
    for name in CI PYTEST_ADDOPTS PY_IOT_HOME_NATIVE_LIB PY_IOT_HOME_NATIVE HYPOTHESIS_PROFILE TERM \
      PY_IOT_HOME_FUZZ_EXAMPLES PY_IOT_HOME_FLOOD_SIZE PY_IOT_HOME_FAULT_POLLS PY_IOT_HOME_E2E; do
      [ -n "${!name:-}" ] && env_vars+=("$name=${!name}")
    done
    unshare --mount --propagation private -- /bin/bash -c '
      set -e
      root=$1; repo=$2; shift 2
      mount --bind "$repo" "$root/repo"
      mount -t proc proc "$root/proc"
      mount --bind /dev "$root/dev"
      mount -t tmpfs tmpfs "$root/dev/shm" 2>/dev/null || true
      exec chroot "$root" /usr/bin/env -i "$@"
    ' _ "$ROOT" "$REPO" "${env_vars[@]}" /bin/bash -c 'cd /repo && exec "$@"' _ "$@"
  fi
}

#!/usr/bin/env bash
# Installs every Debian package tinyscope needs to build, test and run.
# Idempotent: a machine that already has them all returns in milliseconds.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  qtbase5-dev libqt5charts5-dev libqt5serialport5-dev qtconnectivity5-dev
  libqt5sql5-sqlite libbluetooth-dev
  libsndfile1-dev libfftw3-dev
  libgtest-dev libgmock-dev
  clang clang-format libclang-rt-14-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
  qemu-system-arm
  xvfb xauth imagemagick socat espeak-ng sox
  libxml2-utils zlib1g-dev
  python3 python3-serial
)

if dpkg -s "${PKGS[@]}" >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  -o Dpkg::Options::=--force-unsafe-io "${PKGS[@]}"

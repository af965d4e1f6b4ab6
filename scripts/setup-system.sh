#!/usr/bin/env bash
# Installs the Debian packages lectern's optional features and its tests use:
#   - WebGPU on machines without a GPU: Mesa's lavapipe Vulkan driver from
#     bookworm-backports (bookworm's own Mesa 22 is too old for Dawn) and the
#     Vulkan loader;
#   - PyTorch (fixtures and benchmark peer), Jupyter Notebook/Server,
#     nbclient/nbconvert and jupyter_kernel_test (integration tests);
#   - Chromium (rendering tests) and the Fashion-MNIST dataset;
#   - util-linux (unshare) and iproute2 (ip), which the grader uses to give
#     each submission its own user, network and PID namespaces.
# Run as root (or through sudo) on Debian bookworm. Safe to run twice.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -E bash "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
sources=/etc/apt/sources.list.d/debian.sources
backports=/etc/apt/sources.list.d/lectern-backports.sources
if [ ! -f "$backports" ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(awk '/^URIs:/ { print $2; exit }' "$sources" 2>/dev/null || true)
  uri=${uri:-http://deb.debian.org/debian}
  cat >"$backports" <<SOURCES
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi

apt-get update
apt-get install -y \
  libvulkan1 \
  python3-torch \
  jupyter-notebook jupyter-client python3-nbclient python3-nbconvert python3-jupyter-kernel-test \
  chromium \
  dataset-fashion-mnist \
  util-linux iproute2
apt-get install -y -t bookworm-backports mesa-vulkan-drivers

#!/usr/bin/env bash
# What tests/test_browser.py needs: Debian's headless-capable `chromium` (the test
# fails, never skips, without it) and a CJK font so screenshots show Chinese labels.
# Idempotent: does nothing when both are present. Needs root or sudo for apt-get.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family | grep -q .; then :; else need+=(fonts-wqy-microhei); fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != "0" ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}"
chromium --version

#!/usr/bin/env bash
# One entry point: ./build.sh [bootstrap|build|package|demo|test|unit|pester|bench]
# Needs only the .NET SDK; PowerShell 7.6.9 and Pester are installed inside the repository.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$ROOT/.tools"
PWSH="$TOOLS/pwsh/pwsh"
PESTER_VERSION=5.7.1
VERSION=$(sed -n "s/.*ModuleVersion *= *'\([^']*\)'.*/\1/p" "$ROOT/module/MspMigration.psd1")
OUT="$ROOT/out/MspMigration/$VERSION"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1

bootstrap() {
  if [ ! -x "$PWSH" ]; then
    echo "Installing PowerShell 7.6.9 into .tools/pwsh"
    dotnet tool install PowerShell --version 7.6.9 --tool-path "$TOOLS/pwsh" >/dev/null
  fi
  if [ ! -f "$TOOLS/packages/pester/$PESTER_VERSION/tools/Pester.psd1" ]; then
    echo "Installing Pester $PESTER_VERSION into .tools/packages"
    dotnet restore "$ROOT/build/pester/pester.proj" --packages "$TOOLS/packages" >/dev/null
  fi
  if [ ! -d "$TOOLS/packages/microsoft.data.sqlite.core/8.0.34" ]; then
    echo "Fetching other versions of the engine's dependencies for the isolation test"
    dotnet restore "$ROOT/build/conflicts/conflicts.proj" --packages "$TOOLS/packages" >/dev/null
  fi
}

build() {
  echo "Building MspMigration $VERSION"
  dotnet build "$ROOT/MspMigration.sln" -c Release -v quiet -nologo | grep -E "error|warn" || true
  dotnet build "$ROOT/MspMigration.sln" -c Release -v quiet -nologo >/dev/null
  rm -rf "$OUT"
  mkdir -p "$OUT/dependencies"
  # The module root holds only what PowerShell loads itself; the engine and every
  # third-party assembly (native SQLite included) go to dependencies/.
  cp "$ROOT/src/MspMigration.Cmdlets/bin/Release/net10.0/MspMigration.Cmdlets.dll" \
     "$ROOT/src/MspMigration.Cmdlets/bin/Release/net10.0/MspMigration.Contracts.dll" "$OUT/"
  dotnet publish "$ROOT/src/MspMigration.Engine" -c Release --no-build -o "$OUT/dependencies" -v quiet -nologo >/dev/null
  rm -f "$OUT/dependencies/MspMigration.Contracts.dll" "$OUT/dependencies"/*.pdb
  # Native SQLite for linux-x64, linux-arm64, win-x64, osx-x64 and osx-arm64 only.
  "$PWSH" -NoProfile -NonInteractive -File "$ROOT/build/Limit-NativeRuntimes.ps1" -DependenciesPath "$OUT/dependencies"
  cp "$ROOT/module/MspMigration.psd1" "$ROOT/module/MspMigration.Format.ps1xml" "$OUT/"
  # Help: MAML from docs/cmdlets (fails the build when an exported cmdlet or a parameter is
  # undocumented), and the about topic.
  mkdir -p "$OUT/en-US"
  cp "$ROOT/docs/about/about_MspMigration.help.txt" "$OUT/en-US/"
  "$PWSH" -NoProfile -NonInteractive -File "$ROOT/build/New-MamlHelp.ps1" -ModulePath "$OUT/MspMigration.psd1" \
    -DocsPath "$ROOT/docs/cmdlets" -OutputPath "$OUT/en-US/MspMigration.Cmdlets.dll-Help.xml"
  echo "Module laid out at ${OUT#$ROOT/}"
}

# The module package (.nupkg) in out/packages, a folder PSResourceGet can use as a repository.
# PSResourceGet keeps its repository list under HOME: a temporary HOME leaves the user's alone.
package() {
  local home
  home=$(mktemp -d)
  # .NET answers an empty path for a special folder that does not exist, and NuGet then writes its
  # settings relative to the current folder.
  mkdir -p "$home/.config" "$home/.local/share"
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$home" "$PWSH" -NoProfile -NonInteractive -File "$ROOT/build/New-ModulePackage.ps1" \
    -ModulePath "$OUT" -OutputPath "$ROOT/out/packages"
  rm -rf "$home"
}

# What the tests need that installs without root: s3rver (tests/infra/package.json) when Node is
# here. PostgreSQL, rclone and hosts entries need root; tests needing them are skipped with a reason.
test_prereqs() {
  if [ -d "$ROOT/tests/infra/node_modules/s3rver" ]; then return; fi
  if command -v npm >/dev/null; then
    echo "Installing s3rver into tests/infra/node_modules"
    (cd "$ROOT/tests/infra" && npm ci --no-audit --no-fund >/dev/null) || echo "npm ci failed; S3 tests will be skipped" >&2
  else
    echo "No npm: S3 tests will be skipped" >&2
  fi
}

case "${1:-build}" in
  bootstrap) bootstrap ;;
  build) bootstrap; build ;;
  package) bootstrap; build; package ;;
  demo) bootstrap; build; "$PWSH" -NoProfile -NonInteractive -File "$ROOT/demo/demo.ps1" -ModulePath "$OUT/MspMigration.psd1" "${@:2}" ;;
  unit) bootstrap; build; bash "$ROOT/build/test.sh" unit ;;
  pester) bootstrap; build; test_prereqs; bash "$ROOT/build/test.sh" pester ;;
  test) bootstrap; build; test_prereqs; bash "$ROOT/build/test.sh" all ;;
  bench) bootstrap; build; SKIP_BUILD=1 bash "$ROOT/bench/run.sh" "${@:2}" ;;
  *) echo "usage: $0 [bootstrap|build|package|demo|test|unit|pester|bench]" >&2; exit 2 ;;
esac

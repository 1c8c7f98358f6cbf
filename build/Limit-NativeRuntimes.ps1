# Keeps the native libraries (SQLite) of the platforms the module ships for and drops the rest
# (about 30 MB of other platforms), from dependencies/runtimes and from the engine's deps.json,
# so that the resolver of EngineLoadContext never points at a file that is not there.
param(
    [Parameter(Mandatory)][string] $DependenciesPath,
    [string[]] $Keep = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-x64', 'osx-arm64')
)
$ErrorActionPreference = 'Stop'
Get-ChildItem (Join-Path $DependenciesPath 'runtimes') -Directory | Where-Object Name -notin $Keep | Remove-Item -Recurse -Force
$depsFile = Join-Path $DependenciesPath 'MspMigration.Engine.deps.json'
$deps = Get-Content -Raw $depsFile | ConvertFrom-Json -AsHashtable
foreach ($target in $deps.targets.Values) {
    foreach ($library in $target.Values) {
        if (-not $library.ContainsKey('runtimeTargets')) { continue }
        foreach ($asset in @($library.runtimeTargets.Keys)) {
            if ($library.runtimeTargets[$asset].rid -notin $Keep) { $library.runtimeTargets.Remove($asset) }
        }
    }
}
$deps | ConvertTo-Json -Depth 32 | Set-Content -Path $depsFile
foreach ($rid in $Keep) {
    if (-not (Test-Path (Join-Path $DependenciesPath "runtimes/$rid/native"))) { throw "No native libraries for $rid under $DependenciesPath/runtimes" }
}

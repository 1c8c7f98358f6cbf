# Runs every *.Tests.ps1 here against the built module and writes "passed failed skipped" to -ResultFile.
param(
    [Parameter(Mandatory)][string] $ResultFile,
    [string[]] $Path = @($PSScriptRoot),
    [string[]] $Tag
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = (Resolve-Path "$PSScriptRoot/../..").Path
$pester = Get-ChildItem "$root/.tools/packages/pester/*/tools/Pester.psd1" | Select-Object -Last 1
Import-Module $pester.FullName -Force

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($Tag) { $config.Filter.Tag = $Tag }
$result = Invoke-Pester -Configuration $config
"$($result.PassedCount) $($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) $($result.SkippedCount)" |
    Set-Content -Path $ResultFile
if ($result.Result -ne 'Passed') { exit 1 }

# Runs every *.Tests.ps1 here against the built module. Writes to -ResultFile a first line
# "passed failed skipped inconclusive", then one line "Skipped|Inconclusive<TAB>reason<TAB>test" for
# every test that neither passed nor failed, so that build/test.sh can print why.
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

function Get-NotRunReason($Test) {
    # Set-ItResult -Because leaves its reason in the error record; a -Skip:(condition) on a block
    # or test carries it as a tag 'skip: reason' (see Get-MissingPrerequisite in TestHelpers.psm1).
    foreach ($e in @($Test.ErrorRecord)) {
        if ($e -and $e.Exception.Message -match 'because (.+)$') { return $Matches[1].Trim() }
    }
    $tags = @($Test.Tag)
    for ($block = $Test.Block; $block; $block = $block.Parent) { $tags += @($block.Tag) }
    $why = $tags | Where-Object { $_ -like 'skip: ?*' } | Select-Object -First 1
    if ($why) { return $why.Substring(6) }
    'no reason given'
}

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($Tag) { $config.Filter.Tag = $Tag }
$result = Invoke-Pester -Configuration $config
$lines = @("$($result.PassedCount) $($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) $($result.SkippedCount) $($result.InconclusiveCount)")
foreach ($t in @($result.Skipped) + @($result.Inconclusive) | Where-Object { $_ }) {
    $lines += "$($t.Result)`t$(Get-NotRunReason $t)`t$($t.ExpandedPath)"
}
$lines | Set-Content -Path $ResultFile
if ($result.Result -ne 'Passed') { exit 1 }

# The counters a status reads (kept by the control plane with every outcome) equal a count of the
# journal after a real run with failures, a retry, skips and a secondary pass, on SQLite and on
# PostgreSQL; and Get-MigrationStatus -Recount finds and repairs counters edited by hand.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $stores = @(
        @{ Store = 'sqlite'; Missing = '' }
        @{ Store = 'postgres'; Missing = $(Get-MissingPrerequisite postgres) }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'Status counters on a <Store> control plane' -ForEach $stores {
    BeforeAll {
        if ($Missing) { return }
        $ws = New-ClusterWorkspace -Store $Store -Agents @('a1')
        New-SourceTree -Path $ws.Source -Count 120
        Add-BrokenObjects -Path $ws.Source
        # 30 objects already at the destination: skipped under -SameNamePolicy Skip.
        Copy-Item -Recurse "$($ws.Source)/d00" "$($ws.Destination)/d00"
        # Objects changed for the secondary pass are at the destination too by then: skipped as well.
        $changed = @(Get-ChildItem -File "$($ws.Source)/d01/e01/*.bin").Count
        $skipped = @(Get-ChildItem -Recurse -File "$($ws.Destination)/d00").Count + $changed
        $run = Invoke-Pwsh -Workspace $ws -Name run -Script @'
function Work { Start-MigrationAgent -ConfigPath ./a1.toml -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null }
New-MigrationTask -Name counted -Source ./src -Destination ./dst -SameNamePolicy Skip | Out-Null
Work
# The failed objects become readable and are retried.
Remove-Item ./src/broken -Recurse -Force
New-Item -ItemType Directory ./src/broken | Out-Null
'one', 'two' | ForEach-Object { Set-Content "./src/broken/$_" "fixed $_" }
Restart-MigrationTask counted -FailedOnly | Out-Null
Work
# A secondary pass: two files changed, three new.
Add-Content ./src/d01/e01/*.bin -Value 'changed'
1..3 | ForEach-Object { Set-Content "./src/new$_.txt" "new $_" }
Restart-MigrationTask counted -Incremental | Out-Null
Work
$s = Get-MigrationStatus counted -Recount -WarningVariable recount
[pscustomobject]@{ Status = $s; Warnings = @($recount | ForEach-Object Message) } | ConvertTo-Json -Depth 3 -Compress -EnumsAsStrings
'@
    }
    AfterAll { if (-not $Missing) { Remove-ClusterWorkspace $ws } }

    It 'finds the counters equal to a recount of the journal after failures, a retry, skips and a secondary pass' -Tag "skip: $Missing" -Skip:([bool]$Missing) {
        $run.Error | Should -BeNullOrEmpty
        $result = $run.Output | ConvertFrom-Json
        $result.Warnings | Should -BeNullOrEmpty
        $s = $result.Status
        $s.Pass | Should -Be 2
        $s.State | Should -Be 'Completed'
        $s.Total | Should -Be 125
        $s.Skipped | Should -Be $skipped
        $s.Succeeded | Should -Be (125 - $skipped)
        $s.Failed + $s.Pending | Should -Be 0
        # Pass 2 queued the changed objects (skipped: already at the destination) and the three new ones.
        ($s.PassTotal, $s.PassSkipped, $s.PassSucceeded, $s.PassFailed, $s.PassPending) | Should -Be @(($changed + 3), $changed, 3, 0, 0)
    }

    It 'warns of counters edited by hand, repairs them with -Recount, and is silent once they are right' -Tag "skip: $Missing" -Skip:([bool]$Missing) {
        # One counter row of pass 2 (PostgreSQL keeps several per outcome and pass, summed on reading).
        $edit = 'UPDATE {0}task_counters SET objects = objects + 5, bytes = bytes + 500 WHERE outcome = 1 AND pass = 2 AND stripe = (SELECT MIN(stripe) FROM {0}task_counters WHERE outcome = 1 AND pass = 2)'
        if ($Store -eq 'postgres') { Invoke-TestPostgres ($edit -f "$($ws.Schema).") | Out-Null }
        else { & sqlite3 (Join-Path $ws.Root 'controlplane.db') ($edit -f '') ; $LASTEXITCODE | Should -Be 0 }
        $r = Invoke-Pwsh -Workspace $ws -Name recount -Script @'
$before = (Get-MigrationStatus counted).Succeeded
$s = Get-MigrationStatus counted -Recount -WarningVariable first -WarningAction SilentlyContinue
Get-MigrationStatus counted -Recount -WarningVariable second | Out-Null
[pscustomobject]@{ Before = $before; After = $s.Succeeded; First = @($first | ForEach-Object Message); Second = @($second | ForEach-Object Message) } | ConvertTo-Json -Compress
'@
        $r.Error | Should -BeNullOrEmpty
        $result = $r.Output | ConvertFrom-Json
        $result.Before | Should -Be (125 - $skipped + 5)
        $result.After | Should -Be (125 - $skipped)
        $result.First.Count | Should -Be 1
        $result.First[0] | Should -Match "Task 'counted': the Succeeded counter of pass 2 read 8 objects .* but the journal holds 3 "
        $result.Second | Should -BeNullOrEmpty
    }
}

Describe 'Counters of the current pass' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 20
        $run = Invoke-Pwsh -Workspace $ws -Name passes -Script @'
function Work { Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null }
New-MigrationTask -Name passes -Source ./src -Destination ./dst | Out-Null
Work
$first = Get-MigrationStatus passes
Get-ChildItem -Recurse -File ./src | Sort-Object FullName | Select-Object -First 3 | ForEach-Object { [IO.File]::AppendAllText($_.FullName, 'changed') }
Restart-MigrationTask passes -Incremental | Out-Null
$queued = Get-MigrationStatus passes
Work
$second = Get-MigrationStatus passes -Recount -WarningVariable recount
$table = $second | Format-List | Out-String -Width 200
[pscustomobject]@{ First = $first; Queued = $queued; Second = $second; Warnings = @($recount | ForEach-Object Message); Table = $table } |
    ConvertTo-Json -Depth 3 -Compress -EnumsAsStrings
'@
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'counts the first pass as the whole task' {
        $run.Error | Should -BeNullOrEmpty
        $f = ($run.Output | ConvertFrom-Json).First
        ($f.Pass, $f.PassTotal, $f.PassSucceeded, $f.PassPending, $f.Total) | Should -Be @(1, 20, 20, 0, 20)
        $f.PassTotalBytes | Should -Be $f.TotalBytes
    }

    It 'says pass 2 with the 3 changed objects while the whole task stays at 20' {
        $result = $run.Output | ConvertFrom-Json
        $result.Warnings | Should -BeNullOrEmpty
        $s = $result.Second
        $s.State | Should -Be 'Completed'
        ($s.Pass, $s.PassTotal, $s.PassSucceeded, $s.PassFailed, $s.PassPending) | Should -Be @(2, 3, 3, 0, 0)
        ($s.Total, $s.Succeeded) | Should -Be @(20, 20)
        $changedBytes = (Get-ChildItem -Recurse -File $ws.Source | Sort-Object FullName | Select-Object -First 3 | Measure-Object Length -Sum).Sum
        ($s.PassTotalBytes, $s.PassTransferredBytes) | Should -Be @($changedBytes, $changedBytes)
        $s.PassPercentComplete | Should -Be 100
        $result.Table | Should -Match "ThisPass +: pass 2: 3 of 3 done \(0 failed\)"
    }

    It 'counts the objects a secondary pass queued as pending before an agent works them' {
        $q = ($run.Output | ConvertFrom-Json).Queued
        # The listing has not run yet: nothing is queued in pass 2 so far.
        ($q.Pass, $q.PassTotal, $q.Total, $q.Succeeded) | Should -Be @(2, 0, 20, 20)
    }
}

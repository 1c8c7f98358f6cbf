# The module driven as a user drives it: fresh pwsh processes, a SQLite control plane,
# local directories as buckets.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'A local migration end to end' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 600
        # Keys a file system allows but a careless tool mangles.
        $odd = @('with space/a b.txt', 'plus+sign/x+y', 'percent%20/p%41', 'unicode/数据/ü.txt', 'quote''s/"q".txt', '-dash/start', 'UPPER/lower')
        foreach ($k in $odd) {
            $p = Join-Path $ws.Source $k
            New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
            [IO.File]::WriteAllText($p, "content of $k")
        }
        $run = Invoke-Pwsh -Workspace $ws -Name run -Script @'
New-MigrationTask -Name demo -Source ./src -Destination ./dst | Out-Null
$summary = Start-MigrationAgent -ExitWhenIdle
Get-MigrationStatus -Name demo | ConvertTo-Json -Compress -EnumsAsStrings
'@
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'exits cleanly' {
        $run.Error | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
    }

    It 'reports every object succeeded' {
        $status = $run.Output | ConvertFrom-Json
        $status.State | Should -Be 'Completed'
        $status.Total | Should -Be 607
        $status.Succeeded | Should -Be 607
        $status.Failed | Should -Be 0
        $status.Pending | Should -Be 0
        $status.TransferredBytes | Should -Be $status.TotalBytes
    }

    It 'leaves the destination equal to the source byte for byte' {
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    It 'copies each object once' {
        $keys = Get-TransferLogKeys $ws.TransferLog
        $keys.Count | Should -Be 607
        ($keys | Sort-Object -Unique).Count | Should -Be 607
    }

    It 'is found by name, by wildcard and by state, and pipes into Get-MigrationStatus' {
        $r = Invoke-Pwsh -Workspace $ws -Name pipe -Script @'
(Get-MigrationTask -Name dem* | Get-MigrationStatus).State
(Get-MigrationTask -State Completed).Name
(Get-MigrationTask -State Running | Measure-Object).Count
'@
        $r.ExitCode | Should -Be 0
        $lines = $r.Output.Trim() -split "`r?`n"
        $lines | Should -Be @('Completed', 'demo', '0')
    }

    It 'does nothing more when run again' {
        $stamps = Get-FileStamps $ws.Destination
        $r = Invoke-Pwsh -Workspace $ws -Name again -Script '(Start-MigrationAgent -ExitWhenIdle).ObjectsSucceeded'
        $r.Output.Trim() | Should -Be '0'
        $stamps.Count | Should -Be 607
        Get-ChangedFiles $stamps (Get-FileStamps $ws.Destination) | Should -BeNullOrEmpty -Because 'no destination file may be written again'
    }
}

Describe 'Segments cut by size (segment_mb)' {
    BeforeAll {
        # Ten objects of 400 kB with segments of at most 1 MB: a segment closes at its third object
        # (1.2 MB), so 3 + 3 + 3 + 1 objects, long before segment_objects (1,000) would cut them.
        $ws = New-TestWorkspace -AgentSettings @{ segment_mb = 1 }
        foreach ($i in 0..9) { [IO.File]::WriteAllBytes("$($ws.Source)/f$i.bin", [byte[]]::new(400000)) }
        $run = Invoke-Pwsh -Workspace $ws -Name segments -Script @'
New-MigrationTask -Name sized -Source ./src -Destination ./dst | Out-Null
Start-MigrationAgent -ExitWhenIdle | Out-Null
Get-MigrationStatus -Name sized | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $status = ($run.Output -split "`n" | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'closes a segment once its objects reach segment_mb' {
        $run.ExitCode | Should -Be 0
        $status.State | Should -Be 'Completed'
        $status.Succeeded | Should -Be 10
        $status.SegmentsTotal | Should -Be 4
    }
}

Describe 'A source with unreadable objects' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 50
        # Dangling links are listed but cannot be read, whoever runs the test (root included).
        $broken = @('broken/one', 'broken/two', 'z-last')
        foreach ($k in $broken) {
            $p = Join-Path $ws.Source $k
            New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
            New-Item -ItemType SymbolicLink -Path $p -Target (Join-Path $ws.Root "no-such-target-$([Guid]::NewGuid())") | Out-Null
        }
        $run = Invoke-Pwsh -Workspace $ws -Name run -Script @'
New-MigrationTask -Name flaky -Source ./src -Destination ./dst | Out-Null
# The task ends with failures, which the agent reports as an error (see Automation.Tests.ps1);
# here the run goes on to inspect and export them.
Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
Get-MigrationStatus flaky | ConvertTo-Json -Compress -EnumsAsStrings
Get-MigrationTask flaky | Export-FailedObjects -Path failed.csv
Get-MigrationTask flaky | Export-FailedObjects -Path failed.json
'@
        $status = ($run.Output.Trim() -split "`r?`n")[0] | ConvertFrom-Json
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'ends as completed with failures' {
        $run.ExitCode | Should -Be 0
        $status.State | Should -Be 'CompletedWithFailures'
        $status.Failed | Should -Be 3
        $status.Succeeded | Should -Be 50
    }

    It 'exports exactly the unreadable keys, with reasons, as CSV' {
        $rows = Import-Csv (Join-Path $ws.Root 'failed.csv')
        ($rows.Key | Sort-Object) | Should -Be @('broken/one', 'broken/two', 'z-last')
        $rows | ForEach-Object { $_.Error | Should -Match 'does not exist' }
        $rows | ForEach-Object { $_.TaskName | Should -Be 'flaky' }
    }

    It 'exports the same list as JSON' {
        $items = Get-Content (Join-Path $ws.Root 'failed.json') -Raw | ConvertFrom-Json
        ($items.Key | Sort-Object) | Should -Be @('broken/one', 'broken/two', 'z-last')
    }

    It 'copies every readable object' {
        $diff = Compare-Tree -Source $ws.Source -Destination $ws.Destination
        # Dangling links are not regular files, so only the 50 readable files are compared.
        $diff | Should -BeNullOrEmpty
        (Get-ChildItem $ws.Destination -Recurse -File).Count | Should -Be 50
    }
}

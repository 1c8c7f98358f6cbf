# Same-name policies, filters, retry-failed-only, secondary passes, lifecycle and dry run,
# driven through the built module with agents in separate pwsh processes.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function New-PolicyWorkspace {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        $ws
    }
    function Write-Object($Root, $Key, $Content, [datetime] $Time) {
        $p = Join-Path $Root $Key
        New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
        [IO.File]::WriteAllText($p, $Content)
        if ($Time) { [IO.File]::SetLastWriteTimeUtc($p, $Time) }
    }
    function Invoke-Agent($ws, $Name = 'agent', [switch] $ExpectFailures) {
        $r = Invoke-Pwsh -Workspace $ws -Name $Name -Script 'Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null'
        if ($ExpectFailures) {
            # A task that completes with failures is an error of the agent's run (exit code 1).
            $r.ExitCode | Should -Be 1
            $r.Error | Should -Match 'completed with \d+ failed objects'
        }
        else { $r.ExitCode | Should -Be 0 -Because $r.Error }
    }
}
AfterAll { $env:MSPMIGRATION_CONFIG = $null }

Describe 'Same-name policy <Policy>' -ForEach @(
    @{ Policy = 'Overwrite'; Copied = @('changed', 'new', 'older', 'same'); Skipped = 0 }
    @{ Policy = 'Skip'; Copied = @('new'); Skipped = 3 }
    @{ Policy = 'IfSourceNewer'; Copied = @('changed', 'new'); Skipped = 2 }
    @{ Policy = 'IfDifferent'; Copied = @('changed', 'new', 'older'); Skipped = 1 }
) {
    BeforeAll {
        $ws = New-PolicyWorkspace
        $old = [datetime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $new = [datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        Write-Object $ws.Source 'same' 'identical' $old
        Write-Object $ws.Destination 'same' 'identical' $old
        Write-Object $ws.Source 'changed' 'new content' $new
        Write-Object $ws.Destination 'changed' 'old content' $old
        Write-Object $ws.Source 'older' 'source older' $old
        Write-Object $ws.Destination 'older' 'destination newer' $new
        Write-Object $ws.Source 'new' 'only at source' $new
        New-MigrationTask -Name p -Source $ws.Source -Destination $ws.Destination -SameNamePolicy $Policy | Out-Null
        $keys = 'same', 'changed', 'older', 'new'
        $dstBefore = @{}
        foreach ($k in $keys) {
            $p = Join-Path $ws.Destination $k
            if (Test-Path $p) { $dstBefore[$k] = @{ Bytes = [IO.File]::ReadAllBytes($p); Time = [IO.File]::GetLastWriteTimeUtc($p) } }
        }
        $stampsBefore = Get-FileStamps $ws.Destination
        Invoke-Agent $ws
        $changed = Get-ChangedFiles $stampsBefore (Get-FileStamps $ws.Destination)
        $status = Get-MigrationStatus p
        $written = Get-TransferLogKeys $ws.TransferLog | Sort-Object
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'copies exactly the objects the policy selects' {
        $written | Should -Be $Copied
        $status.Skipped | Should -Be $Skipped
        $status.Succeeded | Should -Be $Copied.Count
        $status.State | Should -Be 'Completed'
    }

    It 'writes exactly those files, as the file system sees it' {
        $changed | Should -Be $Copied
    }

    It 'copies the selected objects byte for byte' {
        foreach ($k in $Copied) {
            [IO.File]::ReadAllBytes((Join-Path $ws.Destination $k)) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $ws.Source $k))) -Because $k
        }
    }

    It 'leaves skipped objects untouched, bytes and times' {
        $skippedKeys = @($keys | Where-Object { $_ -notin $Copied })
        $skippedKeys.Count | Should -Be $Skipped
        foreach ($k in $skippedKeys) {
            $p = Join-Path $ws.Destination $k
            [IO.File]::ReadAllBytes($p) | Should -Be $dstBefore[$k].Bytes -Because "$k was skipped"
            [IO.File]::GetLastWriteTimeUtc($p) | Should -Be $dstBefore[$k].Time -Because "$k was skipped"
        }
    }
}

Describe 'Filters' {
    BeforeAll {
        $ws = New-PolicyWorkspace
        $old = [datetime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $new = [datetime]::new(2024, 6, 1, 0, 0, 0, [DateTimeKind]::Utc)
        Write-Object $ws.Source 'photos/a.jpg' ('x' * 100) $new
        Write-Object $ws.Source 'photos/b.png' ('x' * 100) $new
        Write-Object $ws.Source 'photos/tmp/c.jpg' ('x' * 100) $new
        Write-Object $ws.Source 'photos/old.jpg' ('x' * 100) $old
        Write-Object $ws.Source 'photos/tiny.jpg' 'x' $new
        Write-Object $ws.Source 'photos/huge.jpg' ('x' * 5000) $new
        Write-Object $ws.Source 'videos/v.jpg' ('x' * 100) $new
        Write-Object $ws.Source 'photosx/p.jpg' ('x' * 100) $new
        New-MigrationTask -Name f -Source $ws.Source -Destination $ws.Destination -KeyPrefix 'photos/' -Include '*.jpg' `
            -Exclude '**/tmp/**' -ModifiedAfter '2023-01-01Z' -MinSize 10 -MaxSize 1000 | Out-Null
        Invoke-Agent $ws
        $changed = Get-ChangedFiles @{} (Get-FileStamps $ws.Destination)
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'copies only what every filter accepts' {
        (Get-TransferLogKeys $ws.TransferLog) | Should -Be @('photos/a.jpg')
        $changed | Should -Be @('photos/a.jpg') -Because 'the destination must hold only what was copied'
        (Get-MigrationStatus f).Total | Should -Be 1
    }

    It 'shows its filters on the task' {
        $t = Get-MigrationTask f
        $t.Include | Should -Be @('*.jpg')
        $t.KeyPrefix | Should -Be 'photos/'
        $t.MinSize | Should -Be 10
    }
}

Describe 'Retry failed only' {
    BeforeAll {
        $ws = New-PolicyWorkspace
        New-SourceTree -Path $ws.Source -Count 40
        $targets = @{}
        foreach ($k in 'bad/one', 'bad/two') {
            $p = Join-Path $ws.Source $k
            New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
            $targets[$k] = Join-Path $ws.Root "target-$([IO.Path]::GetFileName($k))"
            New-Item -ItemType SymbolicLink -Path $p -Target $targets[$k] | Out-Null
        }
        New-MigrationTask -Name r -Source $ws.Source -Destination $ws.Destination | Out-Null
        Invoke-Agent $ws first -ExpectFailures
        $first = Get-MigrationStatus r
        $before = @(Get-TransferLogKeys $ws.TransferLog).Count
        # The cause is fixed: the links now lead somewhere.
        foreach ($k in $targets.Keys) { [IO.File]::WriteAllText($targets[$k], "now readable $k") }
        Restart-MigrationTask r -FailedOnly
        $afterRestart = Get-MigrationTask r
        $stamps = Get-FileStamps $ws.Destination
        Invoke-Agent $ws second
        $rewritten = Get-ChangedFiles $stamps (Get-FileStamps $ws.Destination)
        $retried = @(Get-TransferLogKeys $ws.TransferLog) | Select-Object -Skip $before
        $final = Get-MigrationStatus r
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'first ends with the two failures' {
        $first.State | Should -Be 'CompletedWithFailures'
        $first.Failed | Should -Be 2
    }

    It 'runs the task again' { $afterRestart.State | Should -Be 'Running' }

    It 'copies only the objects that had failed' {
        ($retried | Sort-Object) | Should -Be @('bad/one', 'bad/two')
        $rewritten | Should -Be @('bad/one', 'bad/two') -Because 'no other destination file may be written again'
    }

    It 'ends clean' {
        $final.State | Should -Be 'Completed'
        $final.Succeeded | Should -Be 42
        $final.Failed | Should -Be 0
        Get-Content -Raw (Join-Path $ws.Destination 'bad/one') | Should -Be 'now readable bad/one'
    }

    It 'refuses a running task' {
        Suspend-MigrationTask r -ErrorAction SilentlyContinue # completed tasks cannot be suspended
        $err = $null
        try { Resume-MigrationTask r -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskStateInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}

Describe 'Secondary (incremental) pass' {
    BeforeAll {
        $ws = New-PolicyWorkspace
        New-SourceTree -Path $ws.Source -Count 200
        New-MigrationTask -Name inc -Source $ws.Source -Destination $ws.Destination | Out-Null
        Invoke-Agent $ws first
        $before = @(Get-TransferLogKeys $ws.TransferLog).Count
        $files = Get-ChildItem $ws.Source -Recurse -File | Sort-Object FullName
        $changed = $files | Select-Object -First 5
        foreach ($f in $changed) { [IO.File]::AppendAllText($f.FullName, 'changed') }
        Write-Object $ws.Source 'new/one' 'new 1'
        Write-Object $ws.Source 'new/two' 'new 2'
        Write-Object $ws.Source 'new/three' 'new 3'
        $expected = @($changed | ForEach-Object { [IO.Path]::GetRelativePath($ws.Source, $_.FullName).Replace('\', '/') }) + 'new/one', 'new/two', 'new/three' | Sort-Object
        Restart-MigrationTask inc -Incremental
        $stamps = Get-FileStamps $ws.Destination
        Invoke-Agent $ws second
        $rewritten = Get-ChangedFiles $stamps (Get-FileStamps $ws.Destination)
        $copied = @(Get-TransferLogKeys $ws.TransferLog) | Select-Object -Skip $before
        $status = Get-MigrationStatus inc
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'copies only new and changed objects' {
        ($copied | Sort-Object) | Should -Be $expected
        $rewritten | Should -Be $expected -Because 'the file system must show the same writes, and no others'
    }

    It 'reports how many changed' {
        $status.Pass | Should -Be 2
        $status.ChangedInPass | Should -Be 8
        $status.State | Should -Be 'Completed'
        $status.Total | Should -Be 203
    }

    It 'leaves the destination equal to the source' {
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }
}

Describe 'Lifecycle and dry run' {
    BeforeAll {
        $ws = New-PolicyWorkspace
        Write-Object $ws.Source 'a' 'same' ([datetime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc))
        Write-Object $ws.Destination 'a' 'same' ([datetime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc))
        Write-Object $ws.Source 'b' 'differs'
        Write-Object $ws.Destination 'b' 'old'
        Write-Object $ws.Source 'c' 'new'
        New-MigrationTask -Name life -Source $ws.Source -Destination $ws.Destination -SameNamePolicy IfDifferent | Out-Null
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'lists what a run would do without writing' {
        $r = Invoke-Pwsh -Workspace $ws -Name plan -Script 'Start-MigrationAgent -WhatIf | ForEach-Object { "$($_.Key)=$($_.Action)" }'
        $r.ExitCode | Should -Be 0
        ($r.Output.Trim() -split "`r?`n") | Should -Be @('a=Skip', 'b=Overwrite', 'c=Copy')
        Test-Path (Join-Path $ws.Destination 'c') | Should -BeFalse
        (Get-MigrationTask life).State | Should -Be 'Pending'
    }

    It 'suspends and resumes' {
        (Suspend-MigrationTask life -PassThru).State | Should -Be 'Paused'
        $r = Invoke-Pwsh -Workspace $ws -Name paused -Script '(Start-MigrationAgent -ExitWhenIdle).ObjectsSucceeded'
        $r.Output.Trim() | Should -Be '0'
        (Resume-MigrationTask life -PassThru).State | Should -Be 'Running'
    }

    It 'changes limits on an existing task' {
        $t = Set-MigrationTask life -QpsLimit 25 -BandwidthLimit 10Mbit -PassThru
        $t.QpsLimit | Should -Be 25
        $t.BandwidthLimit | Should -Be 1250000
        (Set-MigrationTask life -QpsLimit none -PassThru).QpsLimit | Should -BeNullOrEmpty
    }

    It 'keeps the task under -WhatIf and removes it with -Force' {
        Remove-MigrationTask life -WhatIf
        Get-MigrationTask life | Should -Not -BeNullOrEmpty
        { Remove-MigrationTask life -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'TaskStateInvalid,*'
        Remove-MigrationTask life -Force
        Get-MigrationTask life -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Daily time window' {
    BeforeAll {
        $ws = New-PolicyWorkspace
        New-SourceTree -Path $ws.Source -Count 20
        # A window that opens at the next minute (at least 8 s away) in the agent's local time, so
        # that the agent must see it closed first and then open it by the clock alone.
        $now = [datetime]::Now
        $opens = $now.Date.AddHours($now.Hour).AddMinutes($now.Minute + 1)
        if (($opens - $now).TotalSeconds -lt 8) { $opens = $opens.AddMinutes(1) }
        New-MigrationTask -Name win -Source $ws.Source -Destination $ws.Destination -TimeWindow ('{0:HH\:mm}-{1:HH\:mm}' -f $opens, $opens.AddHours(2)) | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        Wait-Until -TimeoutSeconds 60 -Because 'the agent to be up' {
            $agent.HasExited -or (Get-MigrationAgent | Where-Object { $_.Name -eq 'test-agent' -and $_.IsAlive })
        }
        $upAt = [datetime]::Now
        $whileClosed = while ([datetime]::Now -lt $opens.AddSeconds(-1) -and -not $agent.HasExited) {
            Get-MigrationStatus win
            Start-Sleep -Milliseconds 500
        }
        $aliveWhileClosed = -not $agent.HasExited
        $result = Wait-PwshProcess -Process $agent -TimeoutSeconds 180
        $after = Get-MigrationStatus win
        # When each destination file was written, by the file system's change time, not the agent's word.
        $written = @(Get-ChildItem -Recurse -File $ws.Destination | ForEach-Object { [long](& stat -c '%Z' $_.FullName) })
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'does nothing outside the window, while running' {
        $upAt | Should -BeLessThan $opens.AddSeconds(-2) -Because 'the agent must be up before the window opens'
        $aliveWhileClosed | Should -BeTrue -Because $result.Error
        @($whileClosed).Count | Should -BeGreaterThan 1
        $whileClosed | ForEach-Object { $_.Succeeded | Should -Be 0 }
    }

    It 'resumes by itself when the window opens' {
        $result.ExitCode | Should -Be 0 -Because $result.Error
        $after.State | Should -Be 'Completed'
        $after.Succeeded | Should -Be 20
        $written.Count | Should -Be 20
        $opensUnix = ([DateTimeOffset] $opens).ToUnixTimeSeconds()
        $written | ForEach-Object { $_ | Should -BeGreaterOrEqual $opensUnix }
    }
}

Describe 'Bad policy input changes nothing' {
    BeforeAll { $ws = New-PolicyWorkspace }
    AfterAll { Remove-TestWorkspace $ws }

    It '<Case> gives <ErrorId>' -ForEach @(
        @{ Case = 'an unparseable QPS'; ErrorId = 'InvalidLimit'; Extra = @{ QpsLimit = 'fast' } }
        @{ Case = 'an unparseable bandwidth'; ErrorId = 'InvalidLimit'; Extra = @{ BandwidthLimit = '10 parsecs' } }
        @{ Case = 'a bad pattern'; ErrorId = 'InvalidPattern'; Extra = @{ Include = '[abc' } }
        @{ Case = 'a window that never opens'; ErrorId = 'InvalidTimeWindow'; Extra = @{ TimeWindow = '06:00-06:00' } }
        @{ Case = 'an unreadable window'; ErrorId = 'InvalidTimeWindow'; Extra = @{ TimeWindow = 'nights' } }
        @{ Case = 'an inverted date range'; ErrorId = 'InvalidRange'; Extra = @{ ModifiedAfter = '2024-01-01Z'; ModifiedBefore = '2023-01-01Z' } }
        @{ Case = 'an inverted size range'; ErrorId = 'InvalidRange'; Extra = @{ MinSize = 10; MaxSize = 1 } }
    ) {
        { New-MigrationTask -Name bad -Source $ws.Source -Destination $ws.Destination @Extra } | Should -Throw -ErrorId "$ErrorId,*"
        # Input refused before the control plane is opened leaves even the control plane uncreated.
        try { Get-MigrationTask bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty }
        catch { $_.FullyQualifiedErrorId | Should -BeLike 'ControlPlaneNotFound,*' }
    }

    It 'rejects a policy that does not exist' {
        { New-MigrationTask -Name bad -Source $ws.Source -Destination $ws.Destination -SameNamePolicy Sometimes } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
    }

    It 'rejects an unparseable limit on an existing task and keeps the old one' {
        New-MigrationTask -Name keep -Source $ws.Source -Destination $ws.Destination -QpsLimit 10 | Out-Null
        { Set-MigrationTask keep -QpsLimit 'lots' } | Should -Throw -ErrorId 'InvalidLimit,*'
        (Get-MigrationTask keep).QpsLimit | Should -Be 10
    }
}

# Wait-MigrationTask, as a CI job uses it: the job waits in its own pwsh while agents run
# elsewhere, gets each task's status as it finishes, and exits 1 with the reason on stderr when a
# task finished unclean, a name is unknown, or the time ran out.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace -AgentName wait-agent
    New-OutcomeTasks -Workspace $ws -ConfigPath $ws.Config
    New-SourceTree -Path (Join-Path $ws.Root 'src-idle') -Count 3
    New-MigrationTask -ConfigPath $ws.Config -Name idle -Source (Join-Path $ws.Root 'src-idle') -Destination (Join-Path $ws.Root 'dst-idle') | Out-Null

    # Waiters start before any agent, so they must really wait; the agent serves all but 'idle'.
    $waitAll = Start-PwshProcess -Workspace $ws -AsUser -Name wait-all -Script @'
Wait-MigrationTask clean, MIXED, gone, no-such-task -Timeout 300 | ForEach-Object { "status $($_.TaskName) $($_.State) $($_.Succeeded) $($_.Failed)" }
'@
    $waitPiped = Start-PwshProcess -Workspace $ws -AsUser -Name wait-piped -Script @'
Get-MigrationTask cl* | Wait-MigrationTask -Timeout 300 -PollIntervalSeconds 1 | ForEach-Object { "status $($_.TaskName) $($_.State)" }
'@
    $waitIdle = Start-PwshProcess -Workspace $ws -AsUser -Name wait-idle -Script @'
# The pipeline is the script's last statement: its errors decide the exit code.
Wait-MigrationTask idle, clean -Timeout 25 | ForEach-Object -Begin { $clock = [Diagnostics.Stopwatch]::StartNew() } `
    -Process { "status $($_.TaskName) $($_.State)" } -End { "seconds $([int]$clock.Elapsed.TotalSeconds)" }
'@
    # Give the waiters time to start and poll a task nobody works on yet.
    Start-Sleep -Seconds 8
    $waitedBeforeAgent = -not ($waitAll.HasExited -or $waitPiped.HasExited)
    $agent = Invoke-Pwsh -Workspace $ws -Name agent -Script 'Start-MigrationAgent -TaskName clean, mixed, gone -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null'
    $all = Wait-PwshProcess $waitAll -TimeoutSeconds 300
    $piped = Wait-PwshProcess $waitPiped -TimeoutSeconds 300
    $idle = Wait-PwshProcess $waitIdle -TimeoutSeconds 300
}
AfterAll { Remove-TestWorkspace $ws }

Describe 'Wait-MigrationTask in another process than the agents' {
    It 'waited while no agent ran' {
        $waitedBeforeAgent | Should -BeTrue
        $agent.Output | Should -BeNullOrEmpty -Because $agent.Error
    }

    It 'returns each task''s status once it finished' {
        $lines = $all.Output -split "`r?`n" | Where-Object { $_ -like 'status *' } | Sort-Object
        $lines | Should -Be @('status clean Completed 5 0', 'status gone Failed 0 0', 'status mixed CompletedWithFailures 5 2')
    }

    It 'exits 1 naming every task that did not finish cleanly, and the unknown name' {
        $all.ExitCode | Should -Be 1
        $all.Error | Should -Match "Task 'mixed' completed with 2 failed objects of 7"
        $all.Error | Should -Match "Task 'gone' failed: Listing the source failed"
        $all.Error | Should -Match 'no-such-task'
        $all.Error | Should -Not -Match "Task 'clean'"
    }

    It 'takes tasks from the pipeline and exits 0 when they completed' {
        $piped.Error | Should -BeNullOrEmpty
        $piped.ExitCode | Should -Be 0
        $piped.Output.Trim() | Should -Be 'status clean Completed'
    }

    It 'gives up after -Timeout with WaitTimedOut, still returning what finished and where the rest stands' {
        $idle.ExitCode | Should -Be 1
        $idle.Error | Should -Match "WaitTimedOut|did not finish within 25 s"
        $idle.Error | Should -Match "'idle'"
        $lines = $idle.Output -split "`r?`n" | Where-Object { $_ -like 'status *' } | Sort-Object
        $lines | Should -Be @('status clean Completed', 'status idle Pending')
        $seconds = [int](($idle.Output -split "`r?`n" | Where-Object { $_ -like 'seconds *' }) -replace 'seconds ')
        $seconds | Should -BeGreaterOrEqual 24
        $seconds | Should -BeLessThan 60
    }
}

Describe 'Wait-MigrationTask errors' {
    BeforeAll { $env:MSPMIGRATION_CONFIG = $ws.Config }
    AfterAll { $env:MSPMIGRATION_CONFIG = $null }

    It 'WaitTimedOut is an OperationTimeout error with the task as target' {
        $out = Wait-MigrationTask idle -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $out.TaskName | Should -Be 'idle'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimedOut,*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err[0].TargetObject | Should -Be 'idle'
    }

    It 'TaskCompletedWithFailures and TaskFailed as Start-MigrationAgent reports them' {
        $null = Wait-MigrationTask mixed, gone -ErrorAction SilentlyContinue -ErrorVariable err
        ($err | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*' }) | Sort-Object | Should -Be @('TaskCompletedWithFailures', 'TaskFailed')
        ($err | Where-Object { $_.FullyQualifiedErrorId -like 'TaskFailed,*' }).CategoryInfo.Category | Should -Be 'OperationStopped'
    }

    It 'stops a script under -ErrorAction Stop' {
        { Wait-MigrationTask mixed -ErrorAction Stop } | Should -Throw -ErrorId 'TaskCompletedWithFailures,*'
    }

    It 'refuses a timeout of <Value>' -ForEach @(@{ Value = 0 }, @{ Value = -5 }) {
        { Wait-MigrationTask clean -Timeout $Value } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

# How an agent ends when its tasks cannot run, and how it reports: a task whose store cannot be
# reached fails within a bound and says why; a task this agent cannot open is left to others;
# warnings come once per cause; SIGTERM stops an agent as cleanly as Ctrl+C.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Stop-BusyAgent([string] $AgentName, [ValidateSet('TERM', 'INT')][string] $Signal) {
        # An agent copying a slow task (100 KB/s), signalled once it holds a segment; returns the
        # workspace, the process's result and how long it took to stop.
        $ws = New-TestWorkspace -Concurrency 2 -AgentName $AgentName
        New-SourceTree -Path $ws.Source -Count 40 -MaxSize 262144
        New-MigrationTask -ConfigPath $ws.Config -Name slow -Source $ws.Source -Destination $ws.Destination -BandwidthLimit 100KB | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -AsUser -Name $Signal.ToLowerInvariant() `
            -Script 'Start-MigrationAgent -TaskName slow | Format-List AgentName, Cancelled | Out-String -Width 200'
        Wait-Until -TimeoutSeconds 60 -Because 'the agent to hold a segment' {
            $agent.HasExited -or ((Get-MigrationAgent -ConfigPath $ws.Config | Where-Object Name -eq $AgentName).SegmentsInFlight -gt 0)
        }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Send-Signal -ProcessId $agent.Id -Signal $Signal
        $result = Wait-PwshProcess -Process $agent -TimeoutSeconds 30
        [pscustomobject]@{ Workspace = $ws; Result = $result; Seconds = $clock.Elapsed.TotalSeconds }
    }

    function Get-WarningLines([string] $Text, [string] $Pattern) {
        @($Text -split "`r?`n" | Where-Object { $_ -match '^WARNING:' -and $_ -match $Pattern })
    }
}

Describe 'A task whose source endpoint refuses connections' {
    BeforeAll {
        $ws = New-TestWorkspace -AgentSettings @{ give_up_seconds = 8 }
        $port = Get-FreeTcpPort # nothing listens there
        Add-Content -Path $ws.Config -Value @"

[profiles.nowhere]
type = "s3"
endpoint = "http://127.0.0.1:$port"
force_path_style = true
access_key_id = "AKIDNOWHERE"
secret_access_key = "not-a-real-secret"
"@
        New-MigrationTask -ConfigPath $ws.Config -Name unreachable -Source s3://far-bucket/photos/ -SourceProfile nowhere `
            -Destination $ws.Destination | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run = Invoke-Pwsh -Workspace $ws -AsUser -TimeoutSeconds 90 -Name unreachable `
            -Script 'Start-MigrationAgent -ExitWhenIdle -TaskName unreachable | Out-Null'
        $clock.Stop()
        $status = Get-MigrationStatus -ConfigPath $ws.Config -Name unreachable
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'ends the agent within the configured bound with exit code 1 and TaskFailed' {
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 45 -Because 'give_up_seconds is 8, plus the last attempt and start-up'
        $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 7 -Because 'a refused connection is transient: retried until the bound'
        $run.ExitCode | Should -Be 1
        $run.Error | Should -Match "Task 'unreachable' failed"
    }

    It 'marks the task Failed with a reason that names the store and the cause' {
        $status.State | Should -Be 'Failed'
        $status.StateReason | Should -Match 's3://far-bucket/photos/'
        $status.StateReason | Should -Match 'refused'
    }

    It 'warns about the cause once, not on every retry' {
        @(Get-WarningLines $run.Output 'refused').Count | Should -BeLessOrEqual 2 -Because 'once while retrying, once when the task fails'
    }

    It 'does not copy anything or leave a segment' {
        @(Get-ChildItem -Recurse -File $ws.Destination).Count | Should -Be 0
        (Get-MigrationAgent -ConfigPath $ws.Config | Where-Object Name -eq 'test-agent').SegmentsInFlight | Should -Be 0
    }
}

Describe 'Permanent causes fail the task at once' -Tag "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $server = Start-S3rver -Bucket real-bucket
        $ws = New-TestWorkspace -AgentSettings @{ give_up_seconds = 600 }
        Add-Content -Path $ws.Config -Value @"

[profiles.good]
type = "s3"
endpoint = "$($server.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.wrongkey]
type = "s3"
endpoint = "$($server.Endpoint)"
force_path_style = true
access_key_id = "AKIDWRONG"
secret_access_key = "wrong-secret"
"@
        New-MigrationTask -ConfigPath $ws.Config -Name nobucket -Source s3://missing-bucket/ -SourceProfile good -Destination "$($ws.Destination)/a" | Out-Null
        New-MigrationTask -ConfigPath $ws.Config -Name badkey -Source s3://real-bucket/ -SourceProfile wrongkey -Destination "$($ws.Destination)/b" | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run = Invoke-Pwsh -Workspace $ws -AsUser -TimeoutSeconds 90 -Name permanent -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        $clock.Stop()
    }
    AfterAll {
        Remove-TestWorkspace $ws
        Stop-S3rver $server
    }

    It 'ends well before give_up_seconds, with exit code 1' {
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $run.ExitCode | Should -Be 1
    }

    It 'gives <Task> the reason <Reason>' -ForEach @(
        @{ Task = 'nobucket'; Reason = 'bucket does not exist' }
        @{ Task = 'badkey'; Reason = 'credentials were rejected' }
    ) {
        $status = Get-MigrationStatus -ConfigPath $ws.Config -Name $Task
        $status.State | Should -Be 'Failed'
        $status.StateReason | Should -Match $Reason
        $run.Error | Should -Match "Task '$Task' failed"
    }
}

Describe 'A task whose credential profile is not defined on this agent' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 3
        New-MigrationTask -ConfigPath $ws.Config -Name elsewhere -Source s3://bucket-of-another-agent/ -SourceProfile only-on-other-agents `
            -Destination $ws.Destination -WarningAction SilentlyContinue | Out-Null
        $before = Get-MigrationTask -ConfigPath $ws.Config -Name elsewhere
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'with -ExitWhenIdle returns at once with TaskNotWorkableHere, exit code 1, and leaves the task as it was' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Pwsh -Workspace $ws -AsUser -TimeoutSeconds 60 -Name once -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match 'TaskNotWorkableHere|cannot work on task .elsewhere.'
        $r.Error | Should -Match 'only-on-other-agents'
        $after = Get-MigrationTask -ConfigPath $ws.Config -Name elsewhere
        $after.State | Should -Be $before.State
        $after.StateReason | Should -BeNullOrEmpty
    }

    It 'gives the ErrorId TaskNotWorkableHere with the task as target' {
        $err = $null
        try { Start-MigrationAgent -ConfigPath $ws.Config -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskNotWorkableHere,*'
        $err.TargetObject | Should -Be 'elsewhere'
    }

    It 'warns once in a long run, not on every poll' {
        $agent = Start-PwshProcess -Workspace $ws -AsUser -Name long -Script 'Start-MigrationAgent | Out-Null'
        # Several polls after it registered, however long a loaded machine takes to start pwsh.
        Wait-Until -TimeoutSeconds 60 -Because 'the agent to register' {
            $agent.HasExited -or (Get-MigrationAgent -ConfigPath $ws.Config | Where-Object { $_.Name -eq 'test-agent' -and $_.IsAlive })
        }
        Start-Sleep -Seconds 5
        Send-Signal -ProcessId $agent.Id -Signal KILL
        $r = Wait-PwshProcess -Process $agent -TimeoutSeconds 30
        @(Get-WarningLines $r.Output 'elsewhere').Count | Should -Be 1 -Because "poll_seconds is 1; output was:`n$($r.Output)"
    }
}

Describe 'Failed objects are summarised per task' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 5
        Add-BrokenObjects -Path $ws.Source -Keys (1..25 | ForEach-Object { "broken/b$_" })
        New-MigrationTask -ConfigPath $ws.Config -Name many -Source $ws.Source -Destination $ws.Destination | Out-Null
        $r = Invoke-Pwsh -Workspace $ws -AsUser -TimeoutSeconds 120 -Name many -Script 'Start-MigrationAgent -ExitWhenIdle -Verbose 4>&1 | Out-String'
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'warns a few lines for 25 failed objects, not one per object' {
        @(Get-WarningLines $r.Output 'many').Count | Should -BeLessOrEqual 2
        @(Get-WarningLines $r.Output 'many') -join "`n" | Should -Match '25'
    }

    It 'still names every failed object with -Verbose' {
        foreach ($i in 1..25) { $r.Output | Should -Match "broken/b$i\b" }
    }
}

Describe 'SIGTERM stops an agent like Ctrl+C' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $stopped = Stop-BusyAgent -AgentName terminated -Signal TERM
        $ws = $stopped.Workspace
        $r = $stopped.Result
        $me = Get-MigrationAgent -ConfigPath $ws.Config | Where-Object Name -eq 'terminated'
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'stops within a few seconds and exits with 143, as a process ended by SIGTERM' {
        $stopped.Seconds | Should -BeLessThan 15
        $r.ExitCode | Should -Be 143
        $r.Error | Should -Match "Agent 'terminated' stopped on SIGTERM"
    }

    It 'writes the run summary with Cancelled = True' {
        $r.Output | Should -Match 'Cancelled\s*:\s*True'
    }

    It 'gives its segments back and shows as stopped' {
        $me.State | Should -Be 'Stopped'
        $me.SegmentsInFlight | Should -Be 0
    }
}

Describe 'Ctrl+C in a non-interactive pwsh' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $stopped = Stop-BusyAgent -AgentName interrupted -Signal INT
        $ws = $stopped.Workspace
        $r = $stopped.Result
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'exits non-zero' {
        $r.ExitCode | Should -Not -Be 0
    }
}

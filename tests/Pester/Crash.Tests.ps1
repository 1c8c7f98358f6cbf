# Agents stopped for real: SIGKILL mid-task, and Ctrl+C (SIGINT). Nothing is lost, nothing is
# copied twice beyond what was in flight.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
}

Describe 'An agent killed with SIGKILL in the middle of a task' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $concurrency = 4
        $ws = New-TestWorkspace -Concurrency $concurrency -AgentName first
        New-SourceTree -Path $ws.Source -Count 3000 -MaxSize 32768
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name crash -Source $ws.Source -Destination $ws.Destination | Out-Null

        $first = Start-PwshProcess -Workspace $ws -Name first -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'the first agent to copy some objects' {
            (Get-MigrationStatus crash).Succeeded -ge 400 -or $first.HasExited
        }
        $first.HasExited | Should -BeFalse -Because 'the kill must land in the middle of the task'
        Send-Signal -ProcessId $first.Id -Signal KILL
        $first.WaitForExit(10000) | Out-Null
        $atKill = Get-MigrationStatus crash
        $stampsAtKill = Get-FileStamps $ws.Destination

        $second = Invoke-Pwsh -Workspace $ws -Name second -TimeoutSeconds 300 -Script @'
Start-MigrationAgent -ExitWhenIdle -AgentName second | Out-Null
'@
        $final = Get-MigrationStatus crash
        $stampsAtEnd = Get-FileStamps $ws.Destination
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'was killed with work left' {
        $first.ExitCode | Should -Be 137
        $atKill.Succeeded | Should -BeLessThan 3000
    }

    It 'is finished by a new agent' {
        $second.ExitCode | Should -Be 0
        $final.State | Should -Be 'Completed'
        $final.Succeeded | Should -Be 3000
        $final.Failed | Should -Be 0
    }

    It 'leaves the destination equal to the source' {
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    It 'copies no object twice beyond those in flight at the kill' {
        $keys = Get-TransferLogKeys $ws.TransferLog
        ($keys | Sort-Object -Unique).Count | Should -Be 3000
        $twice = $keys.Count - ($keys | Sort-Object -Unique).Count
        $twice | Should -BeLessOrEqual $concurrency
    }

    It 'rewrites no file finished before the kill, as the file system sees it' {
        # Files already in place at the kill may be written again only if they were in flight (written
        # but not yet recorded); every other file is written by the second agent alone.
        $stampsAtKill.Count | Should -BeGreaterThan 0
        $rewritten = @((Get-ChangedFiles $stampsAtKill $stampsAtEnd) | Where-Object { $stampsAtKill.ContainsKey($_) })
        $rewritten.Count | Should -BeLessOrEqual $concurrency -Because "rewritten: $($rewritten -join ', ')"
        $stampsAtEnd.Count | Should -Be 3000
    }

    It 'leaves no staged file behind' {
        Get-ChildItem -Force $ws.Destination -Filter '.mspmigration-tmp' | Should -BeNullOrEmpty
    }
}

Describe 'Ctrl+C during Start-MigrationAgent' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 2 -AgentName interrupted
        New-SourceTree -Path $ws.Source -Count 3000 -MaxSize 65536
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name ctrlc -Source $ws.Source -Destination $ws.Destination | Out-Null

        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'the agent to copy some objects' {
            (Get-MigrationStatus ctrlc).Succeeded -ge 200 -or $agent.HasExited
        }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Send-Signal -ProcessId $agent.Id -Signal INT
        $stopped = $agent.WaitForExit(15000)
        $clock.Stop()
        $afterStop = Get-MigrationStatus ctrlc
        $agents = Get-MigrationAgent
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        if (-not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'stops within a few seconds' {
        $stopped | Should -BeTrue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $afterStop.State | Should -Be 'Running'
        $afterStop.Succeeded | Should -BeLessThan 3000
    }

    It 'gives its segments back and shows as stopped' {
        $me = $agents | Where-Object Name -eq 'interrupted'
        $me.IsAlive | Should -BeFalse
        $me.SegmentsInFlight | Should -Be 0
    }

    It 'resumes cleanly on the next start' {
        $r = Invoke-Pwsh -Workspace $ws -Name resume -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        $r.ExitCode | Should -Be 0
        $s = Get-MigrationStatus ctrlc
        $s.State | Should -Be 'Completed'
        $s.Succeeded | Should -Be 3000
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }
}

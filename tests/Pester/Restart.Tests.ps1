# An agent killed (SIGKILL, the real process) and started again at once under the same name, as
# systemd's Restart=always does: it must take its own name over and work at once, not be refused
# as "in use" or wait for its dead predecessor's leases to expire.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
}

Describe 'An agent SIGKILLed and restarted at once, five times, under the same name' -Skip:$IsWindows {
    BeforeAll {
        $concurrency = 4
        $ws = New-TestWorkspace -Concurrency $concurrency -AgentName phoenix
        # A lease far longer than the test's patience: waiting for it to expire cannot pass for a takeover.
        (Get-Content -Raw $ws.Config) -replace 'lease_seconds = \d+', 'lease_seconds = 120' | Set-Content $ws.Config
        New-SourceTree -Path $ws.Source -Count 2500 -MaxSize 16384
        $env:MSPMIGRATION_CONFIG = $ws.Config
        # Slow enough that the task outlives five restarts.
        New-MigrationTask -Name phoenix -Source $ws.Source -Destination $ws.Destination -QpsLimit 40 | Out-Null

        function Wait-Working($Process, $Since) {
            # The first object this process wrote: a transfer-log line of this agent newer than $Since.
            $deadline = [DateTime]::UtcNow.AddSeconds(40)
            while ([DateTime]::UtcNow -lt $deadline -and -not $Process.HasExited) {
                $me = Get-MigrationAgent | Where-Object { $_.Name -eq 'phoenix' -and $_.ProcessId -eq $Process.Id }
                if ($me) {
                    $first = Get-Content -LiteralPath $ws.TransferLog | Where-Object { $_ } |
                        ForEach-Object { [DateTimeOffset]::Parse(($_ -split "`t")[0]) } | Where-Object { $_ -gt $Since } | Select-Object -First 1
                    if ($first) { return [pscustomobject]@{ Registered = $me.StartedAt; FirstWrite = $first } }
                }
                Start-Sleep -Milliseconds 100
            }
            $null
        }

        $runs = [Collections.Generic.List[object]]::new()
        $agent = Start-PwshProcess -Workspace $ws -Name run0 -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        $start = Wait-Working $agent ([DateTimeOffset]::MinValue)
        for ($i = 1; $i -le 5; $i++) {
            Start-Sleep -Milliseconds 1500
            Send-Signal -ProcessId $agent.Id -Signal KILL
            $agent.WaitForExit(10000) | Out-Null
            $killedAt = [DateTimeOffset]::UtcNow
            $agent = Start-PwshProcess -Workspace $ws -Name "run$i" -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
            $w = Wait-Working $agent $killedAt
            $runs.Add([pscustomobject]@{
                Run = $i; Working = [bool]$w
                Seconds = if ($w) { ($w.FirstWrite - $w.Registered).TotalSeconds } else { $null }
                Error = if ($agent.HasExited) { $agent.StderrTask.Result } else { '' }
            })
        }
        $last = Wait-PwshProcess -Process $agent -TimeoutSeconds 300
        $final = Get-MigrationStatus phoenix
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'started working the first time' {
        $start | Should -Not -BeNullOrEmpty
    }

    It 'each restart takes its name over and works within 5 s' {
        foreach ($r in $runs) {
            $r.Error | Should -Not -Match 'AgentNameInUse' -Because "restart $($r.Run)"
            $r.Working | Should -BeTrue -Because "restart $($r.Run) must start working"
            $r.Seconds | Should -BeLessThan 5 -Because "restart $($r.Run) must not wait for leases"
        }
    }

    It 'finishes the task with the destination equal to the source' {
        $last.ExitCode | Should -Be 0
        $final.State | Should -Be 'Completed'
        $final.Succeeded | Should -Be 2500
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    It 'writes no object twice beyond those in flight at each kill' {
        $keys = @(Get-TransferLogKeys $ws.TransferLog)
        $unique = @($keys | Sort-Object -Unique).Count
        $unique | Should -Be 2500
        ($keys.Count - $unique) | Should -BeLessOrEqual ($concurrency * 5)
    }
}

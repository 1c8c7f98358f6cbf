# An agent killed (SIGKILL, the real process) and started again at once under the same name, as
# systemd's Restart=always does: it must take its own name over and work at once, not be refused
# as "in use" or wait for its dead predecessor's leases to expire.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
}

Describe 'An agent SIGKILLed and restarted at once, five times, under the same name' -Tag 'skip: not Linux' -Skip:(-not $IsLinux) {
    BeforeAll {
        $concurrency = 4
        $ws = New-TestWorkspace -Concurrency $concurrency -AgentName phoenix
        # A lease far longer than the test's patience: waiting for it to expire cannot pass for a takeover.
        (Get-Content -Raw $ws.Config) -replace 'lease_seconds = \d+', 'lease_seconds = 120' | Set-Content $ws.Config
        New-SourceTree -Path $ws.Source -Count 2500 -MaxSize 16384
        $env:MSPMIGRATION_CONFIG = $ws.Config
        # Slow enough that the task outlives five restarts.
        New-MigrationTask -Name phoenix -Source $ws.Source -Destination $ws.Destination -QpsLimit 40 | Out-Null

        $pwshDll = Get-ChildItem "$PSScriptRoot/../../.tools/pwsh/.store" -Recurse -Filter pwsh.dll |
            Where-Object FullName -match '/unix/' | Select-Object -First 1 -ExpandProperty FullName
        $manifest = Get-ModuleManifestPath
        $parents = [Collections.Generic.List[Diagnostics.Process]]::new()

        function Start-Agent([string] $Name) {
            # The agent's parent never reaps it (as a busy supervisor or a shell that does not wait):
            # once killed, the agent stays a zombie, a pid that still answers but runs nothing.
            $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; Start-MigrationAgent -ExitWhenIdle | Out-Null"
            $psi = [Diagnostics.ProcessStartInfo]::new('bash')
            foreach ($a in @('-c', '"$@" >"$OUT" 2>"$ERR" </dev/null & exec sleep 3600', 'agent', 'dotnet', $pwshDll, '-NoProfile', '-NonInteractive', '-Command', $script)) {
                $psi.ArgumentList.Add($a)
            }
            $psi.WorkingDirectory = $ws.Root
            $psi.Environment['MSPMIGRATION_CONFIG'] = $ws.Config
            $psi.Environment['OUT'] = Join-Path $ws.Root "$Name.out.txt"
            $psi.Environment['ERR'] = Join-Path $ws.Root "$Name.err.txt"
            $parent = [Diagnostics.Process]::Start($psi)
            $parents.Add($parent)
            $child = $null
            Wait-Until -TimeoutSeconds 10 -Because 'the agent process to start' {
                $script:child = (& ps -o pid= --ppid $parent.Id | Select-Object -First 1)
                $script:child
            }
            [pscustomobject]@{ Id = [int]$script:child; Err = $psi.Environment['ERR'] }
        }

        function Test-Running([int] $ProcessId) {
            # Running: its /proc entry exists and it is not a zombie.
            $stat = "/proc/$ProcessId/stat"
            if (-not (Test-Path $stat)) { return $false }
            $state = ((Get-Content -Raw $stat) -replace '^.*\)\s+', '').Substring(0, 1)
            $state -notin 'Z', 'X'
        }

        function Wait-Working($Agent, $Since) {
            # The first object this agent wrote: a transfer-log line newer than $Since, once it registered.
            $deadline = [DateTime]::UtcNow.AddSeconds(40)
            while ([DateTime]::UtcNow -lt $deadline -and (Test-Running $Agent.Id)) {
                $me = Get-MigrationAgent | Where-Object { $_.Name -eq 'phoenix' -and $_.ProcessId -eq $Agent.Id }
                if ($me -and (Test-Path -LiteralPath $ws.TransferLog)) {
                    $first = Get-Content -LiteralPath $ws.TransferLog | Where-Object { $_ } |
                        ForEach-Object { [DateTimeOffset]::Parse(($_ -split "`t")[0]) } | Where-Object { $_ -gt $Since } | Select-Object -First 1
                    if ($first) { return [pscustomobject]@{ Registered = $me.StartedAt; FirstWrite = $first } }
                }
                Start-Sleep -Milliseconds 100
            }
            $null
        }

        $runs = [Collections.Generic.List[object]]::new()
        $agent = Start-Agent run0
        $start = Wait-Working $agent ([DateTimeOffset]::MinValue)
        for ($i = 1; $i -le 5; $i++) {
            Start-Sleep -Milliseconds 1500
            Send-Signal -ProcessId $agent.Id -Signal KILL
            Wait-Until -TimeoutSeconds 10 -Because 'the killed agent to stop running' { -not (Test-Running $agent.Id) }
            $killedAt = [DateTimeOffset]::UtcNow
            $agent = Start-Agent "run$i"
            $w = Wait-Working $agent $killedAt
            $runs.Add([pscustomobject]@{
                Run = $i; Working = [bool]$w
                Seconds = if ($w) { ($w.FirstWrite - $w.Registered).TotalSeconds } else { $null }
                Error = if (Test-Running $agent.Id) { '' } else { Get-Content -Raw $agent.Err }
            })
        }
        Wait-Until -TimeoutSeconds 300 -Because 'the last agent to finish the task' { -not (Test-Running $agent.Id) }
        $lastError = Get-Content -Raw $agent.Err
        $final = Get-MigrationStatus phoenix
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        if ($agent -and (Test-Running $agent.Id)) { Send-Signal -ProcessId $agent.Id -Signal KILL }
        foreach ($p in $parents) { if (-not $p.HasExited) { $p.Kill() } }
        Remove-TestWorkspace $ws
    }

    It 'started working the first time' {
        $start | Should -Not -BeNullOrEmpty
    }

    It 'each restart takes its name over and works within 5 s' {
        foreach ($r in $runs) {
            $r.Error | Should -Not -Match 'in use by a live agent' -Because "restart $($r.Run)"
            $r.Working | Should -BeTrue -Because "restart $($r.Run) must start working"
            $r.Seconds | Should -BeLessThan 5 -Because "restart $($r.Run) must not wait for leases"
        }
    }

    It 'finishes the task with the destination equal to the source' {
        $lastError | Should -BeNullOrEmpty
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

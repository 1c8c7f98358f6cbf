# QPS and bandwidth limits hold within ±10% of what was asked over 30-second windows, and a change
# on a running task takes effect. Rates are measured on the agent's own clock (the time of each
# write in its transfer log), so a loaded test machine does not blur the window's ends.
# Slow by nature (about two minutes): tagged so it can be run alone.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Measure-Rate($Workspace, [ValidateSet('Objects', 'Bytes')][string] $Of, [int] $Seconds) {
        # Objects or bytes per second written between the first and the last write logged during
        # $Seconds: the first write opens the window, so it is not counted.
        $skip = @(Get-Content -LiteralPath $Workspace.TransferLog).Count
        Start-Sleep -Seconds $Seconds
        $lines = @(Get-Content -LiteralPath $Workspace.TransferLog | Select-Object -Skip $skip)
        if ($lines.Count -lt 3) { throw "only $($lines.Count) writes in $Seconds s" }
        $entries = $lines | ForEach-Object { $f = $_ -split "`t"; [pscustomobject]@{ Time = [DateTimeOffset]::Parse($f[0]); Size = [long]$f[3] } }
        $span = ($entries[-1].Time - $entries[0].Time).TotalSeconds
        $counted = $entries | Select-Object -Skip 1
        $amount = if ($Of -eq 'Objects') { $counted.Count } else { ($counted | Measure-Object Size -Sum).Sum }
        $amount / $span
    }
}
AfterAll { $env:MSPMIGRATION_CONFIG = $null }

Describe 'A QPS limit' -Tag 'Slow' {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 8
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 4000 -MaxSize 64
        New-MigrationTask -Name qps -Source $ws.Source -Destination $ws.Destination -QpsLimit 20 | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent | Out-Null'
        # Let the bucket's initial second of tokens drain before measuring.
        Wait-Until -TimeoutSeconds 60 -Because 'the agent to start copying' { (Get-MigrationStatus qps).Succeeded -ge 40 }
        $first = Measure-Rate $ws Objects 30
        Set-MigrationTask qps -QpsLimit 50
        Start-Sleep -Seconds 4
        $second = Measure-Rate $ws Objects 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'holds 20 objects/s within 10% (measured <first>)' {
        $first | Should -BeGreaterOrEqual 18
        $first | Should -BeLessOrEqual 22
    }

    It 'takes a new limit of 50 objects/s on the running task (measured <second>)' {
        $second | Should -BeGreaterOrEqual 45
        $second | Should -BeLessOrEqual 55
    }
}

Describe 'A bandwidth limit' -Tag 'Slow' {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 2
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 400 -MaxSize 262144
        Get-ChildItem $ws.Source -Recurse -File | ForEach-Object { [IO.File]::WriteAllBytes($_.FullName, [byte[]]::new(262144)) }
        New-MigrationTask -Name bw -Source $ws.Source -Destination $ws.Destination -BandwidthLimit 2MB | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent | Out-Null'
        Wait-Until -TimeoutSeconds 60 -Because 'the agent to start copying' { (Get-MigrationStatus bw).Succeeded -ge 12 }
        $rate = Measure-Rate $ws Bytes 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    # -BandwidthLimit 2MB is PowerShell's 2,097,152 bytes/s.
    It 'holds 2MB (2,097,152 B/s) within 10% (measured <rate> B/s)' {
        $rate | Should -BeGreaterOrEqual (2MB * 0.9)
        $rate | Should -BeLessOrEqual (2MB * 1.1)
    }
}

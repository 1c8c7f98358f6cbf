# QPS and bandwidth limits hold within ±10% over 30-second windows, and a change on a running
# task takes effect. Slow by nature (about two minutes): tagged so it can be run alone.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Measure-Rate([string] $Task, [string] $Property, [int] $Seconds) {
        $a = Get-MigrationStatus $Task
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Start-Sleep -Seconds $Seconds
        $b = Get-MigrationStatus $Task
        ($b.$Property - $a.$Property) / $clock.Elapsed.TotalSeconds
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
        $first = Measure-Rate qps Succeeded 30
        Set-MigrationTask qps -QpsLimit 50
        Start-Sleep -Seconds 4
        $second = Measure-Rate qps Succeeded 30
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
        $rate = Measure-Rate bw TransferredBytes 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'holds 2 MB/s within 10% (measured <rate> B/s)' {
        $rate | Should -BeGreaterOrEqual 1800000
        $rate | Should -BeLessOrEqual 2200000
    }
}

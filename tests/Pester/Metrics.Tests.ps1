# An agent's Prometheus metrics ([agent] metrics), scraped from outside over HTTP while a real agent
# process migrates, checked against the tasks' status and by Prometheus's own promtool; off by
# default; a non-loopback address needs metrics_allow_remote; a bad value or a busy port is refused.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoPromtool = Get-MissingPrerequisite promtool
    # Signals and ss (which socket a process listens on) are Linux's.
    $script:NoSignals = Get-MissingPrerequisite linux
    $script:NoS3 = Get-MissingPrerequisite s3rver, linux
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Get-Scrape([int] $Port) {
        # The exposition text, or $null while nothing answers.
        try { (Invoke-WebRequest -Uri "http://127.0.0.1:$Port/metrics" -TimeoutSec 5).Content } catch { $null }
    }

    function Get-Sample([string] $Text, [string] $Name, [hashtable] $Labels = @{}) {
        # The value of one series; labels given must all match.
        foreach ($line in $Text -split "`n") {
            if ($line -notmatch "^$Name(\{(?<labels>[^}]*)\})? (?<value>\S+)$") { continue }
            $have = @{}
            if ($Matches.labels) { foreach ($m in [regex]::Matches($Matches.labels, '(\w+)="([^"]*)"')) { $have[$m.Groups[1].Value] = $m.Groups[2].Value } }
            $value = [double]::Parse($Matches.value, [Globalization.CultureInfo]::InvariantCulture)
            if (@($Labels.Keys | Where-Object { $have[$_] -ne $Labels[$_] }).Count -eq 0) { return $value }
        }
        $null
    }

    function Test-Listening([int] $ProcessId) {
        # Whether the process holds a listening TCP socket (ss names the owner of each).
        [bool](& ss -ltnpH | Select-String -SimpleMatch "pid=$ProcessId,")
    }

    function New-MetricsWorkspace([string] $Metrics, [string] $Extra = '') {
        $settings = @{}
        if ($Metrics) { $settings.metrics = "`"$Metrics`"" }
        if ($Extra) { $settings.metrics_allow_remote = $Extra }
        New-TestWorkspace -Concurrency 4 -AgentName metered -AgentSettings $settings
    }
}

Describe 'An agent serving metrics while it migrates' -Tag "skip: $NoSignals" -Skip:([bool]$NoSignals) {
    BeforeAll {
        $port = Get-FreeTcpPort
        $ws = New-MetricsWorkspace -Metrics "127.0.0.1:$port"
        New-SourceTree -Path $ws.Source -Count 60
        Add-BrokenObjects -Path $ws.Source
        New-MigrationTask -ConfigPath $ws.Config -Name metered -Source $ws.Source -Destination $ws.Destination | Out-Null
        # A second task held to 4 objects a second, so the agent waits for its limit (and is still busy when first scraped).
        $paced = Join-Path $ws.Root 'src-paced'
        New-SourceTree -Path $paced -Count 24 -Seed 7
        New-MigrationTask -ConfigPath $ws.Config -Name paced -Source $paced -Destination (Join-Path $ws.Root 'dst-paced') -QpsLimit 4 | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name metered -AsUser -Script 'Start-MigrationAgent | Out-Null'
        Wait-Until -TimeoutSeconds 60 -Because 'the metrics endpoint to answer with the tasks' { $agent.HasExited -or ((Get-Scrape $port) -match 'task="paced"') }
        $running = Get-Scrape $port
        $runningStatus = Get-MigrationStatus -ConfigPath $ws.Config -Name paced
        Wait-Until -TimeoutSeconds 120 -Because 'both tasks to finish' {
            $agent.HasExited -or @(Get-MigrationStatus -ConfigPath $ws.Config | Where-Object { "$($_.State)" -like 'Completed*' }).Count -eq 2
        }
        $status = @{}
        foreach ($s in Get-MigrationStatus -ConfigPath $ws.Config) { $status[$s.TaskName] = $s }
        # Outcomes are counted once they are committed; the status may see them a moment earlier.
        Wait-Until -TimeoutSeconds 10 -Because 'the last outcomes to be counted' {
            $t = Get-Scrape $port
            $t -and (Get-Sample $t mspmigration_objects_total @{ task = 'paced'; outcome = 'succeeded' }) -eq $status.paced.Succeeded -and
                (Get-Sample $t mspmigration_objects_total @{ task = 'metered'; outcome = 'succeeded' }) -eq $status.metered.Succeeded
        }
        $final = Get-Scrape $port
        $final | Set-Content -NoNewline (Join-Path $ws.Root 'metrics.txt')
        $listeningBefore = Test-Listening $agent.Id
        $sockets = & ss -ltnH "sport = :$port" | Out-String
        Send-Signal -ProcessId $agent.Id -Signal TERM
        $r = Wait-PwshProcess -Process $agent -TimeoutSeconds 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'answers while the agent works, with the tasks in progress' {
        $running | Should -Not -BeNullOrEmpty
        "$($runningStatus.State)" | Should -Not -BeLike 'Completed*'
        Get-Sample $running mspmigration_agent_info @{ agent = 'metered' } | Should -Be 1
        Get-Sample $running mspmigration_objects_in_flight @{ task = 'paced' } | Should -Not -BeNullOrEmpty
    }

    It 'counts objects by task and outcome as the tasks'' status does' {
        $status.metered.Succeeded | Should -Be 60
        $status.metered.Failed | Should -Be 2
        foreach ($name in 'metered', 'paced') {
            Get-Sample $final mspmigration_objects_total @{ task = $name; outcome = 'succeeded' } | Should -Be $status[$name].Succeeded
            Get-Sample $final mspmigration_objects_total @{ task = $name; outcome = 'failed' } | Should -Be $status[$name].Failed
            Get-Sample $final mspmigration_objects_total @{ task = $name; outcome = 'skipped' } | Should -Be $status[$name].Skipped
            Get-Sample $final mspmigration_objects_in_flight @{ task = $name } | Should -Be 0
        }
    }

    It 'counts the verified bytes of succeeded objects as the status does' {
        foreach ($name in 'metered', 'paced') {
            Get-Sample $final mspmigration_object_bytes_total @{ task = $name; outcome = 'succeeded' } | Should -Be $status[$name].TransferredBytes
            Get-Sample $final mspmigration_read_bytes_total @{ task = $name } | Should -BeGreaterOrEqual $status[$name].TransferredBytes
        }
    }

    It 'counts the waits for a task''s QPS limit, and none for a task without one' {
        Get-Sample $final mspmigration_throttle_waits_total @{ task = 'paced'; limit = 'qps' } | Should -BeGreaterThan 0
        Get-Sample $final mspmigration_throttle_wait_seconds_total @{ task = 'paced'; limit = 'qps' } | Should -BeGreaterThan 1
        Get-Sample $final mspmigration_throttle_waits_total @{ task = 'metered'; limit = 'qps' } | Should -Be 0
    }

    It 'counts lease renewals, with no failure and no loss' {
        Get-Sample $final mspmigration_lease_renewals_total @{ result = 'ok' } | Should -BeGreaterThan 2
        Get-Sample $final mspmigration_lease_renewals_total @{ result = 'failed' } | Should -Be 0
        Get-Sample $final mspmigration_lease_losses_total @{ lease = 'segment' } | Should -Be 0
        Get-Sample $final mspmigration_lease_renewal_age_seconds | Should -BeLessThan 5
    }

    It 'has a series for every retry reason, at zero for a migration that needed none' {
        foreach ($reason in 'throttled', 'server_error', 'timeout', 'network', 'integrity', 'source_changed', 'other') {
            Get-Sample $final mspmigration_retries_total @{ task = 'metered'; layer = 'object'; reason = $reason } | Should -Be 0
        }
    }

    It 'passes promtool check metrics' -Tag "skip: $NoPromtool" -Skip:([bool]$NoPromtool) {
        $out = Get-Content -Raw (Join-Path $ws.Root 'metrics.txt') | & promtool check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -BeNullOrEmpty
    }

    It 'listens on loopback only, and stops listening when the agent stops' {
        $listeningBefore | Should -BeTrue
        $sockets | Should -Match "127\.0\.0\.1:$port"
        # A task that finished with failures is still reported after SIGTERM (its status is read after the stop).
        $r.ExitCode | Should -Be 143 -Because $r.Error
        $r.Error | Should -Match "Task 'metered' completed with 2 failed objects of 62"
        $r.Error | Should -Match 'stopped on SIGTERM'
        Get-Scrape $port | Should -BeNullOrEmpty
    }
}

Describe 'Retries counted by reason, against a real S3 server that asks to slow down' -Tag "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $server = Start-S3rver -Bucket dst-bucket
        # One request in five answered 503 SlowDown by a proxy between the agent and s3rver.
        $proxy = Start-FaultProxy -Target $server -ErrorRate 0.2 -Seed 3
        $port = Get-FreeTcpPort
        $ws = New-MetricsWorkspace -Metrics "127.0.0.1:$port"
        Add-S3Profile -Workspace $ws -Name dst -Endpoint $proxy.Endpoint
        New-SourceTree -Path $ws.Source -Count 80 -MaxSize 8192
        New-MigrationTask -ConfigPath $ws.Config -Name slowed -Source $ws.Source -Destination s3://dst-bucket/slowed/ -DestinationProfile dst | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name slowed -AsUser -Script 'Start-MigrationAgent | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'the task to finish' { $agent.HasExited -or "$((Get-MigrationStatus -ConfigPath $ws.Config -Name slowed).State)" -like 'Completed*' }
        $status = Get-MigrationStatus -ConfigPath $ws.Config -Name slowed
        Wait-Until -TimeoutSeconds 10 -Because 'the last outcomes to be counted' {
            (Get-Sample (Get-Scrape $port) mspmigration_objects_total @{ task = 'slowed'; outcome = 'succeeded' }) -eq $status.Succeeded
        }
        $text = Get-Scrape $port
        $stats = Get-FaultProxyStats $proxy
        Send-Signal -ProcessId $agent.Id -Signal TERM
        $r = Wait-PwshProcess -Process $agent -TimeoutSeconds 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Stop-FaultProxy $proxy
        Stop-S3rver $server
        Remove-TestWorkspace $ws
    }

    It 'copies everything despite the 503s' {
        "$($status.State)" | Should -Be 'Completed'
        $status.Succeeded | Should -Be 80
        $stats.faults.error | Should -BeGreaterThan 5
    }

    It 'counts one throttled retry for each 503 SlowDown the server sent' {
        $request = Get-Sample $text mspmigration_retries_total @{ task = 'slowed'; layer = 'request'; reason = 'throttled' }
        $object = Get-Sample $text mspmigration_retries_total @{ task = 'slowed'; layer = 'object'; reason = 'throttled' }
        $request | Should -BeGreaterThan 0
        # A request that met SlowDown on every one of its attempts is retried once more as a whole object.
        $request + $object | Should -Be $stats.faults.error
        foreach ($reason in 'server_error', 'timeout', 'network', 'integrity', 'other') {
            Get-Sample $text mspmigration_retries_total @{ task = 'slowed'; layer = 'request'; reason = $reason } | Should -Be 0 -Because "no $reason fault was made"
        }
    }
}

Describe 'Metrics are off by default' -Tag "skip: $NoSignals" -Skip:([bool]$NoSignals) {
    BeforeAll {
        $ws = New-MetricsWorkspace
        New-SourceTree -Path $ws.Source -Count 5
        New-MigrationTask -ConfigPath $ws.Config -Name quiet -Source $ws.Source -Destination $ws.Destination | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name quiet -AsUser -Script 'Start-MigrationAgent | Out-Null'
        Wait-Until -TimeoutSeconds 60 -Because 'the task to finish' { $agent.HasExited -or "$((Get-MigrationStatus -ConfigPath $ws.Config -Name quiet).State)" -eq 'Completed' }
        $listening = Test-Listening $agent.Id
        Send-Signal -ProcessId $agent.Id -Signal TERM
        $r = Wait-PwshProcess -Process $agent -TimeoutSeconds 30
    }
    AfterAll {
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        Remove-TestWorkspace $ws
    }

    It 'has the agent listen on no port' {
        $r.ExitCode | Should -Be 143 -Because $r.Error
        $listening | Should -BeFalse
    }
}

Describe 'Where metrics may be served' {
    BeforeAll {
        $port = Get-FreeTcpPort
    }
    AfterEach { if ($ws) { Remove-TestWorkspace $ws } }

    It 'refuses <Value>, naming it, before anything is written' -ForEach @(
        @{ Value = '0.0.0.0:9464'; Why = 'not a loopback address.*metrics_allow_remote' }
        @{ Value = '10.1.2.3:9464'; Why = 'not a loopback address' }
        @{ Value = '127.0.0.1:70000'; Why = 'port must be a number from 1 to 65535' }
        @{ Value = 'metrics.example.com:9464'; Why = 'IPv4 address or localhost' }
        @{ Value = '[::1]:9464'; Why = 'IPv6 addresses cannot be served' }
    ) {
        $ws = New-MetricsWorkspace -Metrics $Value
        $e = { Start-MigrationAgent -ConfigPath $ws.Config -ExitWhenIdle -ErrorAction Stop } | Should -Throw -PassThru -ErrorId 'ConfigInvalid*'
        $e.Exception.Message | Should -Match ([regex]::Escape("'$Value'"))
        $e.Exception.Message | Should -Match $Why
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        # Refused while reading agent.toml: not even the control plane was made.
        Join-Path $ws.Root 'controlplane.db' | Should -Not -Exist
    }

    It 'refuses metrics_allow_remote without metrics' {
        $ws = New-MetricsWorkspace -Extra 'true'
        { Start-MigrationAgent -ConfigPath $ws.Config -ExitWhenIdle -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigInvalid*'
    }

    It 'refuses to start on a port in use, saying so, and registers nothing' {
        $ws = New-MetricsWorkspace -Metrics "127.0.0.1:$port"
        $busy = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $port)
        $busy.Start()
        try {
            $e = { Start-MigrationAgent -ConfigPath $ws.Config -ExitWhenIdle -ErrorAction Stop } | Should -Throw -PassThru -ErrorId 'MetricsEndpointUnavailable*'
        } finally { $busy.Stop() }
        $e.Exception.Message | Should -Match "127\.0\.0\.1:$port.*in use"
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        @(Get-MigrationAgent -ConfigPath $ws.Config) | Where-Object Name -eq 'metered' | Should -BeNullOrEmpty
    }

    It 'serves every interface when metrics_allow_remote = true says so' -Tag "skip: $NoSignals" -Skip:([bool]$NoSignals) {
        $ws = New-MetricsWorkspace -Metrics "0.0.0.0:$port" -Extra 'true'
        New-SourceTree -Path $ws.Source -Count 3
        New-MigrationTask -ConfigPath $ws.Config -Name open -Source $ws.Source -Destination $ws.Destination -QpsLimit 1 | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name open -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        try {
            Wait-Until -TimeoutSeconds 60 -Because 'the metrics endpoint to answer' { $agent.HasExited -or (Get-Scrape $port) }
            $text = Get-Scrape $port
            (& ss -ltnH "sport = :$port" | Out-String) | Should -Match "(0\.0\.0\.0|\*|\[::\]):$port"
        } finally { $r = Wait-PwshProcess -Process $agent -TimeoutSeconds 60 }
        $r.ExitCode | Should -Be 0 -Because $r.Error
        Get-Sample $text mspmigration_agent_info @{ agent = 'metered' } | Should -Be 1
    }
}

# A flaky network between the agent and two real S3-compatible servers: every profile points at
# tests/infra/fault-proxy.js, which forwards to s3rver and answers some requests with 503 SlowDown,
# resets, delays, black holes, truncated and stalled bodies. rclone judges the result.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver, rclone
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Dst = Start-S3rver -Bucket dst-flaky, dst-resets, dst-probe, dst-zero
    $script:StallSeconds = 3

    # A few hundred objects of mixed sizes (every tenth zero bytes) and two in multipart-size parts.
    $seed = Join-Path ([IO.Path]::GetTempPath()) ("seed-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-SourceTree -Path "$seed/mixed" -Count 300 -MaxSize 65536 -Seed 11
    New-Item -ItemType Directory "$seed/big" | Out-Null
    $rng = [Random]::new(5)
    foreach ($n in 1, 2) {
        $big = [byte[]]::new(12MB + $n * 1000); $rng.NextBytes($big)
        [IO.File]::WriteAllBytes("$seed/big/$n.bin", $big)
    }
    $r = Invoke-Rclone @('copy', $seed, "$(Get-RcloneRemote $Src)src-bucket", '--transfers', '16', '--s3-upload-cutoff', '200M')
    if ($r.ExitCode -ne 0) { throw "seeding with rclone failed: $($r.Output)" }
    Remove-Item -Recurse -Force $seed
    Add-S3Object -Server $Src -Bucket src-bucket -Key 'zero/empty' -Body @()
    $script:SourceCount = (Get-S3Keys -Server $Src -Bucket src-bucket).Count

    function New-ProxiedWorkspace {
        # Profiles 'src' and 'dst' reach the servers through the given proxies; multipart from 5 MiB.
        param($SourceProxy, $DestinationProxy, [hashtable] $AgentSettings = @{}, [string] $ProfileExtra = '')
        $ws = New-TestWorkspace -Concurrency 16 -AgentSettings $AgentSettings
        Add-Content -Path $ws.Config -Value @"

[profiles.src]
type = "s3"
endpoint = "$($SourceProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
$ProfileExtra

[profiles.dst]
type = "s3"
endpoint = "$($DestinationProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
multipart_threshold_mb = 5
part_size_mb = 5
$ProfileExtra
"@
        $ws
    }

    function Assert-SameObjects([string] $SourcePath, [string] $DestinationPath) {
        # rclone, directly against both servers, downloads both sides and compares every byte.
        $r = Invoke-Rclone @('check', '--download', '--one-way', '--checkers', '16', "$(Get-RcloneRemote $Src)$SourcePath", "$(Get-RcloneRemote $Dst)$DestinationPath")
        $r.Output | Should -Match ' 0 differences found'
        $r.ExitCode | Should -Be 0
    }

    function Get-JsonLines([string] $Text) {
        # The JSON objects a script printed, skipping warnings and other lines around them.
        $Text -split "`r?`n" | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json }
    }

    function Get-StallsMet($Proxies) {
        # Requests that moved no bytes until the client gave up on them: black holes and stalled bodies.
        ($Proxies | ForEach-Object { $s = Get-FaultProxyStats $_; $s.faults.blackhole + $s.faults.stall } | Measure-Object -Sum).Sum
    }

    # The agent run, timed from inside the process: start-up of pwsh is not the product's.
    $script:TimedRun = @'
New-MigrationTask -Name {0} -Source s3://src-bucket/ -SourceProfile src -Destination s3://{1}/ -DestinationProfile dst | Out-Null
$sw = [Diagnostics.Stopwatch]::StartNew()
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue
$sw.Stop()
Get-MigrationStatus -Name {0} | Select-Object State, Succeeded, Failed, @{{ n = 'Seconds'; e = {{ $sw.Elapsed.TotalSeconds }} }} | ConvertTo-Json -Compress -EnumsAsStrings
Get-MigrationTask {0} | Export-FailedObjects | ForEach-Object {{ $_ | ConvertTo-Json -Compress }}
'@
}

AfterAll {
    Stop-S3rver $Src
    Stop-S3rver $Dst
}

Describe 'A flaky network: black holes, 503s, resets, delays, cut and stalled bodies' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $faults = @{ BlackholeRate = 0.02; ErrorRate = 0.05; ResetRate = 0.03; DelayRate = 0.05; DelayMs = 2000; TruncateRate = 0.01; StallRate = 0.01 }
        $script:SrcProxy = Start-FaultProxy -Target $Src -Seed 21 @faults
        $script:DstProxy = Start-FaultProxy -Target $Dst -Seed 22 @faults
        $ws = New-ProxiedWorkspace $SrcProxy $DstProxy -AgentSettings @{ stall_seconds = $StallSeconds }
        # timeout_seconds stays at its default (300): a stall must end long before it.
        $run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 150 -Script ($TimedRun -f 'flaky', 'dst-flaky')
        $lines = @(Get-JsonLines $run.Output)
        $script:Status = $lines[0]
        $script:Failed = $lines | Select-Object -Skip 1
        $script:Stalls = Get-StallsMet $SrcProxy, $DstProxy
        $script:Stats = @(Get-FaultProxyStats $SrcProxy; Get-FaultProxyStats $DstProxy)
        Write-Host "flaky run: $([Math]::Round($Status.Seconds, 1)) s, $Stalls stalls met; faults: $(($Stats | ForEach-Object { $_.faults | ConvertTo-Json -Compress }) -join ' ')"
    }
    AfterAll {
        Stop-FaultProxy $SrcProxy
        Stop-FaultProxy $DstProxy
        Remove-TestWorkspace $ws
    }

    It 'really met every kind of fault' {
        foreach ($kind in 'blackhole', 'error', 'reset', 'delay') {
            ($Stats | ForEach-Object { $_.faults.$kind } | Measure-Object -Sum).Sum | Should -BeGreaterThan 0 -Because "$kind faults were asked for"
        }
    }

    It 'ends with every object succeeded' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $Failed | Should -BeNullOrEmpty
        $Status.State | Should -Be 'Completed'
        $Status.Succeeded | Should -Be $SourceCount
    }

    It 'leaves the destination byte-identical to the source' {
        Assert-SameObjects 'src-bucket' 'dst-flaky'
    }

    It 'takes no longer than stall_seconds for each stall it met, not minutes' {
        $Status.Seconds | Should -BeLessThan (20 + $StallSeconds * $Stalls)
        $Status.Seconds | Should -BeLessThan 60
    }
}

Describe 'Requests never answered cost stall_seconds' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    AfterEach {
        Stop-FaultProxy $proxy
        if ($ws) { Remove-TestWorkspace $ws }
    }

    It 'a zero-byte object whose PUT is never answered is written after about stall_seconds' {
        $script:proxy = Start-FaultProxy -Target $Dst -BlackholeRate 1 -Match '^PutObject ' -FaultLimit 1
        $direct = [pscustomobject]@{ Endpoint = $Src.Endpoint }
        $script:ws = New-ProxiedWorkspace $direct $proxy -AgentSettings @{ stall_seconds = $StallSeconds }
        $script = @'
New-MigrationTask -Name zero -Source s3://src-bucket/zero/ -SourceProfile src -Destination s3://dst-zero/ -DestinationProfile dst | Out-Null
$sw = [Diagnostics.Stopwatch]::StartNew()
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue
Get-MigrationStatus -Name zero | Select-Object State, Succeeded, @{ n = 'Seconds'; e = { $sw.Elapsed.TotalSeconds } } | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $r = Invoke-Pwsh -Workspace $ws -Name zero -TimeoutSeconds 60 -Script $script
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $status = Get-JsonLines $r.Output | Select-Object -Last 1
        $status.Succeeded | Should -Be 1
        $stats = Get-FaultProxyStats $proxy
        $stats.faults.blackhole | Should -Be 1
        $stats.keys.'dst-zero/empty'.PutObject.requests | Should -Be 2
        $status.Seconds | Should -BeGreaterThan ($StallSeconds - 0.5)
        $status.Seconds | Should -BeLessThan ($StallSeconds * 2 + 3)
        Get-S3ObjectHeaders -Server $Dst -Bucket dst-zero -Key 'empty' | Should -Not -BeNullOrEmpty
    }

    It 'a HEAD never answered costs about stall_seconds (per profile)' {
        $script:proxy = Start-FaultProxy -Target $Dst -BlackholeRate 1 -Match '^HeadObject ' -FaultLimit 1
        $script:ws = New-ProxiedWorkspace $proxy $proxy -ProfileExtra "stall_seconds = $StallSeconds"
        $script = @'
$sw = [Diagnostics.Stopwatch]::StartNew()
$t = Test-MigrationEndpoint s3://dst-probe/ -Profile dst
[pscustomobject]@{ CanWrite = $t.CanWrite; Problems = $t.Problems; Seconds = $sw.Elapsed.TotalSeconds } | ConvertTo-Json -Compress
'@
        $r = Invoke-Pwsh -Workspace $ws -Name probe -TimeoutSeconds 60 -Script $script
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $result = Get-JsonLines $r.Output | Select-Object -Last 1
        $result.Problems | Should -BeNullOrEmpty
        $result.CanWrite | Should -BeTrue
        $stats = Get-FaultProxyStats $proxy
        $stats.faults.blackhole | Should -Be 1
        $stats.byOperation.HeadObject | Should -Be 2
        $result.Seconds | Should -BeGreaterThan ($StallSeconds - 0.5)
        $result.Seconds | Should -BeLessThan ($StallSeconds * 2 + 2)
    }
}

Describe 'Three percent of requests reset, default settings' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $script:SrcProxy = Start-FaultProxy -Target $Src -Seed 31 -ResetRate 0.03
        $script:DstProxy = Start-FaultProxy -Target $Dst -Seed 32 -ResetRate 0.03
        $ws = New-ProxiedWorkspace $SrcProxy $DstProxy
        $run = Invoke-Pwsh -Workspace $ws -Name resets -TimeoutSeconds 150 -Script ($TimedRun -f 'resets', 'dst-resets')
        $lines = @(Get-JsonLines $run.Output)
        $script:Status = $lines[0]
        $script:Failed = $lines | Select-Object -Skip 1
        $script:Resets = ((Get-FaultProxyStats $SrcProxy).faults.reset + (Get-FaultProxyStats $DstProxy).faults.reset)
        Write-Host "resets run: $([Math]::Round($Status.Seconds, 1)) s, $Resets resets"
    }
    AfterAll {
        Stop-FaultProxy $SrcProxy
        Stop-FaultProxy $DstProxy
        Remove-TestWorkspace $ws
    }

    It 'fails no object' {
        $Resets | Should -BeGreaterThan 5
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $Failed | Should -BeNullOrEmpty
        $Status.Failed | Should -Be 0
        $Status.Succeeded | Should -Be $SourceCount
        Assert-SameObjects 'src-bucket' 'dst-resets'
    }
}

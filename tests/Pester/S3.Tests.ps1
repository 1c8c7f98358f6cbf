# Migrations between two real S3-compatible servers (s3rver, from tests/infra), driven through the
# built module in fresh pwsh processes; rclone (Debian) independently confirms every result.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver, rclone
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Dst = Start-S3rver -Bucket dst-bucket, dst-vhost, dst-cos-1250000000, dst-faults

    # Keys a careless tool mangles. s3rver stores objects as files: no '//' (answers 404), no
    # '.'/'..' segments and no segment over ~240 bytes, so the 1,000-byte key has five segments.
    $long = ((1..5 | ForEach-Object { "seg$_-" + ('k' * 190) }) -join '/')
    $long = $long + '/' + ('z' * (1000 - $long.Length - 1))
    $script:OddKeys = @('with space/a b.txt', 'plus+sign/x+y', 'percent%20/p%41%', 'unicode/数据/ü.txt', 'emoji/😀.txt',
        'trailing/', 'quote''s/"q".txt', 'UPPER/lower', $long)
    foreach ($k in $script:OddKeys) {
        Add-S3Object -Server $Src -Bucket src-bucket -Key "odd/$k" -Body ([Text.Encoding]::UTF8.GetBytes("content of $k"))
    }
    Add-S3Object -Server $Src -Bucket src-bucket -Key 'odd/empty' -Body @()
    Add-S3Object -Server $Src -Bucket src-bucket -Key 'odd/cold.txt' -Body ([byte[]](1, 2)) -Headers @{ 'x-amz-storage-class' = 'STANDARD_IA' }
    $script:OddCount = $OddKeys.Count + 3
    Add-S3Object -Server $Src -Bucket src-bucket -Key 'odd/meta.html' -Body ([Text.Encoding]::UTF8.GetBytes('<p>x</p>')) `
        -ContentType 'text/html; charset=utf-8' -Metadata @{ owner = 'team-a'; 'build-id' = '42' } `
        -Headers @{ 'Cache-Control' = 'max-age=60'; 'Content-Disposition' = 'attachment; filename="m.html"'; 'Expires' = 'Thu, 01 Jan 2037 00:00:00 GMT' }

    # Several thousand objects (three listing pages of 1,000), zero-byte ones among them.
    $seed = Join-Path ([IO.Path]::GetTempPath()) ("seed-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-SourceTree -Path "$seed/bulk" -Count 2600 -MaxSize 4096
    # One object well above the multipart threshold (32 MiB): 100 MiB in 8 MiB parts.
    $big = [byte[]]::new(100MB)
    [Random]::new(7).NextBytes($big)
    New-Item -ItemType Directory "$seed/big" | Out-Null
    [IO.File]::WriteAllBytes("$seed/big/100MiB.bin", $big)
    $big = $null
    $r = Invoke-Rclone @('copy', $seed, "$(Get-RcloneRemote $Src)src-bucket", '--transfers', '16', '--s3-upload-cutoff', '200M')
    if ($r.ExitCode -ne 0) { throw "seeding with rclone failed: $($r.Output)" }
    Remove-Item -Recurse -Force $seed
    $script:SourceCount = (Get-S3Keys -Server $Src -Bucket src-bucket).Count

    function New-S3Workspace {
        param([hashtable] $Env = @{})
        $ws = New-TestWorkspace -Concurrency 16
        Add-Content -Path $ws.Config -Value @"

[profiles.src]
type = "s3"
endpoint = "$($Src.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.src-oss]
type = "oss"
endpoint = "$($Src.VHostEndpoint)"
region = "cn-hangzhou"
access_key_id = "S3RVER"
access_key_secret = "S3RVER"

[profiles.dst]
type = "s3"
endpoint = "$($Dst.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst-vhost]
type = "s3"
endpoint = "$($Dst.VHostEndpoint)"
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst-cos]
type = "cos"
endpoint = "$($Dst.Endpoint)"
region = "ap-guangzhou"
force_path_style = true
storage_class = "IA"
secret_id = "S3RVER"
secret_key = "S3RVER"
"@
        # Owner-only, as a real agent.toml with secrets should be (the secrets test loosens it).
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite') }
        $ws
    }

    function Get-JsonLines([string] $Text) {
        # The JSON objects a script printed, skipping warnings and other lines around them.
        $Text -split "`r?`n" | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json }
    }

    function Assert-SameObjects([string] $SourcePath, [string] $DestinationPath, [string] $DestinationRemote) {
        # rclone downloads both sides and compares the bytes of every object.
        $r = Invoke-Rclone @('check', '--download', '--one-way', '--checkers', '16', "$(Get-RcloneRemote $Src)$SourcePath", "$DestinationRemote$DestinationPath")
        $r.Output | Should -Match ' 0 differences found'
        $r.ExitCode | Should -Be 0
    }
}

AfterAll {
    Stop-S3rver $Src
    Stop-S3rver $Dst
}

Describe 'Path-style migration: s3 source to a COS-profile destination' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-S3Workspace
        # A proxy that only counts sits before the destination: the server side's record of writes.
        $script:Counter = Start-FaultProxy -Target $Dst
        Add-Content -Path $ws.Config -Value @"

[profiles.dst-cos-counted]
type = "cos"
endpoint = "$($Counter.Endpoint)"
region = "ap-guangzhou"
force_path_style = true
storage_class = "IA"
secret_id = "S3RVER"
secret_key = "S3RVER"
"@
        $started = Get-Date
        $run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 600 -Script @'
New-MigrationTask -Name s3 -Source s3://src-bucket/ -SourceProfile src -Destination cos://dst-cos-1250000000/copy/ -DestinationProfile dst-cos-counted | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle
Get-MigrationStatus -Name s3 | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $elapsed = (Get-Date) - $started
        Write-Host ("path-style migration of {0} objects: {1:N1} s" -f $SourceCount, $elapsed.TotalSeconds)
        $writes = (Get-FaultProxyStats $Counter).keys
    }
    AfterAll {
        Stop-FaultProxy $Counter
        Remove-TestWorkspace $ws
    }

    It 'finishes with every object succeeded' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status = Get-JsonLines $run.Output | Select-Object -Last 1
        $status.State | Should -Be 'Completed'
        $status.Total | Should -Be $SourceCount
        $status.Succeeded | Should -Be $SourceCount
        $status.Failed | Should -Be 0
    }

    It 'writes each object exactly once, as the server sees it' {
        $perKey = @{}
        foreach ($k in $writes.PSObject.Properties) {
            if (-not $k.Name.StartsWith('dst-cos-1250000000/copy/')) { continue }
            $ok = 0
            foreach ($op in 'PutObject', 'CompleteMultipartUpload', 'CopyObject') { if ($k.Value.$op) { $ok += $k.Value.$op.ok } }
            if ($ok) { $perKey[$k.Name] = $ok }
        }
        $perKey.Count | Should -Be $SourceCount
        $twice = @($perKey.Keys | Where-Object { $perKey[$_] -ne 1 })
        $twice | Should -BeNullOrEmpty -Because 'no object may be written twice'
        $big = $writes.'dst-cos-1250000000/copy/big/100MiB.bin'
        $big.CompleteMultipartUpload.ok | Should -Be 1 -Because 'the 100 MiB object goes through multipart'
        $big.UploadPart.ok | Should -Be 13 -Because '100 MiB in 8 MiB parts'
        $big.PSObject.Properties.Name | Should -Not -Contain 'PutObject'
    }

    It 'lists more than one page' {
        $SourceCount | Should -BeGreaterThan 2000
    }

    It 'leaves the destination byte-identical to the source, as rclone sees it' {
        Assert-SameObjects 'src-bucket' 'dst-cos-1250000000/copy' (Get-RcloneRemote $Dst)
    }

    It 'copies every key exactly, odd ones included' {
        $srcKeys = Get-S3Keys -Server $Src -Bucket src-bucket
        $dstKeys = Get-S3Keys -Server $Dst -Bucket dst-cos-1250000000 -Prefix 'copy/' | ForEach-Object { $_.Substring(5) }
        Compare-Object $srcKeys $dstKeys -CaseSensitive | Should -BeNullOrEmpty
        foreach ($k in $OddKeys) { $dstKeys | Should -Contain "odd/$k" }
        ($dstKeys | Where-Object { $_.StartsWith('odd/seg1') }).Length | Should -Be 1004
    }

    It 'carries content type, cache control, disposition, expiry and user metadata' {
        $h = Get-S3ObjectHeaders -Server $Dst -Bucket dst-cos-1250000000 -Key 'copy/odd/meta.html'
        "$($h['Content-Type'])" | Should -Be 'text/html; charset=utf-8'
        "$($h['Cache-Control'])" | Should -Be 'max-age=60'
        "$($h['Content-Disposition'])" | Should -Be 'attachment; filename="m.html"'
        "$($h['Expires'])" | Should -Be 'Thu, 01 Jan 2037 00:00:00 GMT'
        "$($h['x-amz-meta-owner'])" | Should -Be 'team-a'
        "$($h['x-amz-meta-build-id'])" | Should -Be '42'
    }

    It 'writes the storage class the destination profile asks for' {
        "$((Get-S3ObjectHeaders -Server $Dst -Bucket dst-cos-1250000000 -Key 'copy/odd/meta.html')['x-amz-storage-class'])" | Should -Be 'STANDARD_IA'
    }

    It 'copies zero-byte objects and the 100 MiB object, the latter through multipart' {
        "$((Get-S3ObjectHeaders -Server $Dst -Bucket dst-cos-1250000000 -Key 'copy/odd/empty')['Content-Length'])" | Should -Be '0'
        $h = Get-S3ObjectHeaders -Server $Dst -Bucket dst-cos-1250000000 -Key 'copy/big/100MiB.bin'
        "$($h['Content-Length'])" | Should -Be "$(100MB)"
        # s3rver gives a multipart object the MD5 of its content, so it must equal the source's.
        "$($h['ETag'])" | Should -Be "$((Get-S3ObjectHeaders -Server $Src -Bucket src-bucket -Key 'big/100MiB.bin')['ETag'])"
    }
}

Describe 'Virtual-hosted migration: OSS-profile source to a virtual-hosted s3 destination' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $resolves = Test-VHostResolution
        $ws = New-S3Workspace
        if ($resolves) {
            $run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 300 -Script @'
New-MigrationTask -Name vhost -Source oss://src-bucket/odd/ -SourceProfile src-oss -Destination s3://dst-vhost/v/ -DestinationProfile dst-vhost | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle
Get-MigrationStatus -Name vhost | ConvertTo-Json -Compress -EnumsAsStrings
'@
        }
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'finishes with every object succeeded' {
        if (-not $resolves) { Set-ItResult -Skipped -Because 'the bucket host names do not resolve: run tests/infra/hosts.sh as root' }
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status = Get-JsonLines $run.Output | Select-Object -Last 1
        $status.State | Should -Be 'Completed'
        $status.Succeeded | Should -Be $OddCount
    }

    It 'leaves the destination byte-identical to the source, as rclone sees it' {
        if (-not $resolves) { Set-ItResult -Skipped -Because 'the bucket host names do not resolve' }
        Assert-SameObjects 'src-bucket/odd' 'dst-vhost/v' (Get-RcloneRemote $Dst)
        $srcKeys = Get-S3Keys -Server $Src -Bucket src-bucket -Prefix 'odd/' | ForEach-Object { $_.Substring(4) }
        $dstKeys = Get-S3Keys -Server $Dst -Bucket dst-vhost -Prefix 'v/' | ForEach-Object { $_.Substring(2) }
        Compare-Object $srcKeys $dstKeys -CaseSensitive | Should -BeNullOrEmpty
    }

    It 'carries the source storage class' {
        if (-not $resolves) { Set-ItResult -Skipped -Because 'the bucket host names do not resolve' }
        "$((Get-S3ObjectHeaders -Server $Dst -Bucket dst-vhost -Key 'v/cold.txt')['x-amz-storage-class'])" | Should -Be 'STANDARD_IA'
    }
}

Describe 'Injected faults: 503s, delays and reset connections' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        # A fifth of all requests, both sides, fail or wait: a fault proxy (tests/infra/fault-proxy.js)
        # sits between the agent and each server.
        $faults = @{ ErrorRate = 0.1; ResetRate = 0.05; DelayRate = 0.05; DelayMs = 300 }
        $script:SrcProxy = Start-FaultProxy -Target $Src -Seed 3 @faults
        $script:DstProxy = Start-FaultProxy -Target $Dst -Seed 4 @faults
        $ws = New-S3Workspace
        Add-Content -Path $ws.Config -Value @"

[profiles.src-faulty]
type = "s3"
endpoint = "$($SrcProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst-faulty]
type = "s3"
endpoint = "$($DstProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
"@
        $run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 600 -Script @'
New-MigrationTask -Name faults -Source s3://src-bucket/ -SourceProfile src-faulty -Destination s3://dst-faults/ -DestinationProfile dst-faulty | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue
Get-MigrationStatus -Name faults | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $script:Injected = @(Get-FaultProxyStats $SrcProxy; Get-FaultProxyStats $DstProxy)
        Write-Host "faults injected: $(($Injected | ForEach-Object { $_.faults | ConvertTo-Json -Compress }) -join ' ')"
    }
    AfterAll {
        Stop-FaultProxy $SrcProxy
        Stop-FaultProxy $DstProxy
        Remove-TestWorkspace $ws
    }

    It 'really injected each kind of fault' {
        foreach ($kind in 'error', 'reset', 'delay') {
            ($Injected | ForEach-Object { $_.faults.$kind } | Measure-Object -Sum).Sum | Should -BeGreaterThan 0 -Because "$kind faults were asked for"
        }
    }

    It 'still ends with every object succeeded' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status = Get-JsonLines $run.Output | Select-Object -Last 1
        $status.State | Should -Be 'Completed'
        $status.Succeeded | Should -Be $SourceCount
    }

    It 'marks nothing succeeded that is not byte-identical' {
        Assert-SameObjects 'src-bucket' 'dst-faults' (Get-RcloneRemote $Dst)
    }

    It 'fails a multipart object that cannot get through, saying why' {
        # Every part faulted and no request retry: the object must fail with the service's reason,
        # not with the cancellation of its other parts.
        [IO.File]::WriteAllBytes((Join-Path $ws.Source 'forty.bin'), [byte[]]::new(40MB))
        $script:PartProxy = Start-FaultProxy -Target $Dst -ErrorRate 0.5 -ResetRate 0.5 -Match '^UploadPart '
        try {
            Add-Content -Path $ws.Config -Value @"

[profiles.dst-fragile]
type = "s3"
endpoint = "$($PartProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
max_attempts = 1
"@
            $r = Invoke-Pwsh -Workspace $ws -Name fragile -TimeoutSeconds 120 -Script @'
New-MigrationTask -Name fragile -Source ./src -Destination s3://dst-faults/fragile/ -DestinationProfile dst-fragile | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -TaskName fragile -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationTask fragile | Export-FailedObjects | ConvertTo-Json -Compress
'@
            $failed = Get-JsonLines $r.Output
            $failed.Key | Should -Be 'forty.bin'
            $failed.Error | Should -Match 'busy or failing|slow down|network error'
            $failed.Error | Should -Not -Match 'cancel'
            Get-S3ObjectHeaders -Server $Dst -Bucket dst-faults -Key 'fragile/forty.bin' | Should -BeNullOrEmpty
            # The upload got as far as its parts: initiated through, every part sent and faulted.
            $ops = (Get-FaultProxyStats $PartProxy).keys.'dst-faults/fragile/forty.bin'
            $ops.CreateMultipartUpload.ok | Should -BeGreaterOrEqual 1 -Because 'the upload must be initiated before its parts fail'
            $ops.UploadPart.requests | Should -BeGreaterOrEqual 1
            $ops.UploadPart.faults | Should -Be $ops.UploadPart.requests
            $ops.PSObject.Properties.Name | Should -Not -Contain 'CompleteMultipartUpload'
        } finally {
            Stop-FaultProxy $PartProxy
        }
    }
}

Describe 'Test-MigrationEndpoint and secrets' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-S3Workspace
        # s3rver checks access key ids but not SigV4 signatures: wrong ids stand for bad credentials.
        $script:Secrets = @(1..4 | ForEach-Object { "sEcReT$_-" + [Guid]::NewGuid().ToString('N') })
        Add-Content -Path $ws.Config -Value @"

[profiles.bad]
type = "s3"
endpoint = "$($Dst.Endpoint)"
force_path_style = true
access_key_id = "$($Secrets[0])"
secret_access_key = "$($Secrets[1])"

[profiles.env]
type = "s3"
endpoint = "$($Dst.Endpoint)"
force_path_style = true
"@
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead') }
        $run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 300 -Script @"
`$env:MSPMIGRATION_S3_ACCESS_KEY_ID = '$($Secrets[2])'
`$env:MSPMIGRATION_S3_SECRET_ACCESS_KEY = '$($Secrets[3])'
Test-MigrationEndpoint s3://dst-bucket/ -Profile dst | ConvertTo-Json -Compress
Test-MigrationEndpoint s3://dst-bucket/ -Profile bad | ConvertTo-Json -Compress
Test-MigrationEndpoint s3://no-such-bucket/ -Profile dst | ConvertTo-Json -Compress
Test-MigrationEndpoint s3://dst-bucket/ -Profile env | ConvertTo-Json -Compress
New-MigrationTask -Name denied -Source s3://src-bucket/odd/ -SourceProfile src -Destination s3://dst-bucket/x/ -DestinationProfile bad | Out-Null
New-MigrationTask -Name denied-env -Source s3://src-bucket/odd/ -SourceProfile src -Destination s3://dst-bucket/y/ -DestinationProfile env | Out-Null
`$null = Start-MigrationAgent -ExitWhenIdle -Verbose -ErrorAction SilentlyContinue 4>&1 3>&1 | Out-String | Set-Content agent-messages.txt
foreach (`$n in 'denied', 'denied-env') { @{ Denied = (Get-MigrationStatus `$n | Select-Object TaskName, @{ n = 'State'; e = { "`$(`$_.State)" } }, StateReason) } | ConvertTo-Json -Compress }
Get-MigrationTask denied, denied-env | Export-FailedObjects -Path failed.csv
Get-MigrationTask denied | Export-FailedObjects | ConvertTo-Json -Compress | Set-Content failed.json
`$aws = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' }
@{ AwsLoadContexts = @(`$aws | ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }) } | ConvertTo-Json -Compress
"@
        $results = @(Get-JsonLines $run.Output)
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'finds a working profile healthy' {
        $results[0].IsHealthy | Should -BeTrue
        $results[0].CanList | Should -BeTrue
        $results[0].CanWrite | Should -BeTrue
    }

    It 'says the credentials are wrong, naming the bucket' {
        $results[1].IsHealthy | Should -BeFalse
        $results[1].CanList | Should -BeFalse
        $results[1].Problems[0] | Should -Match 'credentials were rejected'
        $results[1].Problems[0] | Should -Match 'dst-bucket'
    }

    It 'says the bucket does not exist' {
        $results[2].CanList | Should -BeFalse
        $results[2].Problems[0] | Should -Match 'bucket does not exist'
    }

    It 'takes credentials from the environment' {
        $results[3].CanList | Should -BeFalse
        $results[3].Problems[0] | Should -Match 'credentials were rejected'
    }

    It 'fails the task at once with a clear reason when the destination refuses the credentials' {
        # The credentials fail for every object alike: the task fails, not each object in turn.
        $denied = @($results | Where-Object { $_.PSObject.Properties['Denied'] } | ForEach-Object Denied)
        $denied.Count | Should -Be 2
        foreach ($d in $denied) {
            $d.State | Should -Be 'Failed'
            $d.StateReason | Should -Match 'credentials were rejected'
            $d.StateReason | Should -Not -Match 'gave up after'
        }
        @(Import-Csv (Join-Path $ws.Root 'failed.csv')).Count | Should -Be 0 -Because 'no object is blamed for the credentials'
    }

    It 'loads AWSSDK in the engine''s own load context, not the session''s' {
        $alc = $results | Where-Object { $_.PSObject.Properties['AwsLoadContexts'] }
        @($alc.AwsLoadContexts) | Should -Be @('MspMigration.Engine')
    }

    It 'warns that agent.toml is world-readable' {
        $run.Output | Should -Match 'readable by every user'
        Get-Content -Raw (Join-Path $ws.Root 'agent-messages.txt') | Should -Match 'readable by every user'
    }

    It 'never writes a secret to output, logs, exports or the control plane' {
        $files = Get-ChildItem $ws.Root -File | Where-Object Name -ne 'agent.toml'
        $files.Name | Should -Contain 'controlplane.db'
        foreach ($secret in $Secrets) {
            $run.Output | Should -Not -Match $secret
            $run.Error | Should -Not -Match $secret
            foreach ($f in $files) {
                $bytes = [IO.File]::ReadAllBytes($f.FullName)
                [Text.Encoding]::UTF8.GetString($bytes).Contains($secret) | Should -BeFalse -Because "$($f.Name) must not hold it"
            }
        }
    }
}

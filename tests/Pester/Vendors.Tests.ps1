# What an OSS profile and a COS profile send, checked where a vendor would see it: s3rver behind
# tests/infra/fault-proxy.js --vendor-hosts, reached under the vendors' host names (hosts entries,
# tests/infra/hosts.sh) and under custom domains bound to one bucket. The proxy checks each
# signature as the vendor would, adds the vendors' CRC-64 headers, and logs every request.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoVendors = Get-MissingPrerequisite s3rver, vendorhosts
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:S3 = Start-S3rver -Bucket oss-src, oss-dst, cos-dst-1250000000
    $script:Proxy = Start-FaultProxy -Target $S3 -ExtraArguments @('--vendor-hosts', '1', '--secret', 'S3RVER', '--crc64', '1',
        '--domain', 'oss-cdn.mspmigration.test=oss-src:oss,cos-cdn.mspmigration.test=cos-dst-1250000000:cos')
    $port = $Proxy.Port

    $script:Objects = @{}
    foreach ($i in 1..5) { $script:Objects["a/small-$i.txt"] = [Text.Encoding]::UTF8.GetBytes("object $i " * ($i * 50)) }
    # Above the profiles' 5 MiB multipart threshold: three parts.
    $big = [byte[]]::new(12MB); [Random]::new(3).NextBytes($big); $script:Objects['a/big.bin'] = $big
    foreach ($k in 'good', 'bad-src', 'bad-dst') { $script:Objects["crc/$k.txt"] = [Text.Encoding]::UTF8.GetBytes("crc $k") }
    foreach ($k in $Objects.Keys) { Add-S3Object -Server $S3 -Bucket oss-src -Key $k -Body $Objects[$k] }

    function New-VendorWorkspace {
        $ws = New-TestWorkspace -AgentSettings @{ max_attempts = 2 }
        Add-Content -Path $ws.Config -Value @"

[profiles.ali]
type = "oss"
region = "cn-hangzhou"
endpoint = "http://s3.oss-cn-hangzhou.aliyuncs.com:$port"
multipart_threshold_mb = 5
part_size_mb = 5
access_key_id = "S3RVER"
access_key_secret = "S3RVER"

[profiles.tencent]
type = "cos"
region = "ap-guangzhou"
endpoint = "http://cos.ap-guangzhou.myqcloud.com:$port"
multipart_threshold_mb = 5
part_size_mb = 5
secret_id = "S3RVER"
secret_key = "S3RVER"

[profiles.tencent-cold]
type = "cos"
region = "ap-guangzhou"
endpoint = "http://cos.ap-guangzhou.myqcloud.com:$port"
multipart_threshold_mb = 5
part_size_mb = 5
storage_class = "DeepArchive"
secret_id = "S3RVER"
secret_key = "S3RVER"

[profiles.ali-cdn]
type = "oss"
region = "cn-hangzhou"
custom_domain = "http://oss-cdn.mspmigration.test:$port"
access_key_id = "S3RVER"
access_key_secret = "S3RVER"

[profiles.tencent-cdn]
type = "cos"
region = "ap-guangzhou"
custom_domain = "http://cos-cdn.mspmigration.test:$port"
secret_id = "S3RVER"
secret_key = "S3RVER"

[profiles.ali-internal]
type = "oss"
region = "cn-hangzhou"
internal = true
max_attempts = 1
stall_seconds = 2
access_key_id = "S3RVER"
access_key_secret = "S3RVER"
"@
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite') }
        $ws
    }

    function Get-JsonLines([string] $Text) {
        $Text -split "`r?`n" | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json }
    }

    function Get-VendorRequests {
        # What each request carried, as the proxy logged it (tests/infra/vendor-answers.js).
        @((Invoke-WebRequest -Uri "$($Proxy.Endpoint)/__proxy/requests").Content | ConvertFrom-Json)
    }

    function Get-Stored([string] $Bucket, [string] $Key) {
        # The SHA-256 of an object's bytes straight from s3rver, past the proxy; $null when absent.
        $r = Invoke-WebRequest -Uri "$($S3.Endpoint)/$Bucket/$(ConvertTo-S3Path $Key)" -SkipHttpErrorCheck
        if ($r.StatusCode -eq 404) { return $null }
        Get-Sha256 ([byte[]] $r.Content)
    }

    function Get-Sha256([byte[]] $Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    function Invoke-Migration([string] $Script) {
        $ws = New-VendorWorkspace
        try { Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 300 -Script $Script } finally { Remove-TestWorkspace $ws }
    }
}

AfterAll {
    Stop-FaultProxy $Proxy
    Stop-S3rver $S3
}

Describe 'OSS and COS profiles send what the vendors take' -Tag S3, "skip: $NoVendors" -Skip:([bool]$NoVendors) {
    BeforeAll {
        Set-FaultProxy $Proxy -ResetStats
        $script:Run = Invoke-Migration @'
New-MigrationTask -Name there -Source oss://oss-src/a/ -SourceProfile ali -Destination cos://cos-dst-1250000000/a/ -DestinationProfile tencent | Out-Null
New-MigrationTask -Name back -Source cos://cos-dst-1250000000/a/ -SourceProfile tencent -Destination oss://oss-dst/back/ -DestinationProfile ali | Out-Null
$null = Start-MigrationAgent there -ExitWhenIdle
$null = Start-MigrationAgent back -ExitWhenIdle
Get-MigrationStatus | ForEach-Object { $_ | ConvertTo-Json -Compress -EnumsAsStrings }
'@
        $script:Requests = Get-VendorRequests
    }

    It 'copies OSS to COS and back, every object intact' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Error
        $status = @(Get-JsonLines $Run.Output)
        $status.Count | Should -Be 2 -Because $Run.Output
        foreach ($s in $status) { $s.State | Should -Be 'Completed' -Because "$($s.Name): $($Run.Output)"; $s.Succeeded | Should -Be 6 }
        foreach ($k in @($Objects.Keys | Where-Object { $_ -like 'a/*' })) {
            (Get-Stored cos-dst-1250000000 $k) | Should -Be (Get-Sha256 $Objects[$k]) -Because "COS $k"
            (Get-Stored oss-dst ('back/' + $k.Substring(2))) | Should -Be (Get-Sha256 $Objects[$k]) -Because "OSS back/$k"
        }
    }

    It 'puts the bucket in the vendor''s host name, never in the path' {
        $Requests.Count | Should -BeGreaterThan 20
        foreach ($r in $Requests) {
            $r.style | Should -Be 'virtual' -Because "$($r.method) $($r.host)$($r.path)"
            $r.host | Should -Match '^(oss-(src|dst)\.s3\.oss-cn-hangzhou\.aliyuncs\.com|cos-dst-1250000000\.cos\.ap-guangzhou\.myqcloud\.com):\d+$'
            $r.path | Should -Not -Match '^/(oss-src|oss-dst|cos-dst-1250000000)(/|\?|$)'
        }
        @($Requests | Where-Object vendor -EQ oss).Count | Should -BeGreaterThan 0
        @($Requests | Where-Object vendor -EQ cos).Count | Should -BeGreaterThan 0
    }

    It 'signs for the bucket''s region, and every signature holds for the Host the vendor sees' {
        foreach ($r in $Requests) {
            $r.signed | Should -BeTrue -Because "$($r.method) $($r.host)$($r.path)"
            $r.region | Should -Be ($r.vendor -eq 'oss' ? 'cn-hangzhou' : 'ap-guangzhou')
        }
    }

    It 'sends no aws-chunked or STREAMING bodies and no x-amz-checksum headers' {
        foreach ($r in $Requests) {
            $h = $r.headers.PSObject.Properties
            @($h | Where-Object { $_.Name -like 'x-amz-checksum-*' -or $_.Name -in 'x-amz-trailer', 'x-amz-sdk-checksum-algorithm', 'x-amz-decoded-content-length' }).Name |
                Should -BeNullOrEmpty -Because "$($r.method) $($r.path)"
            "$($r.headers.'content-encoding')" | Should -Not -Match 'aws-chunked'
            "$($r.headers.'x-amz-content-sha256')" | Should -Not -Match '^STREAMING-'
        }
    }

    It 'sends Content-MD5 with every single PUT and every part' {
        $writes = @($Requests | Where-Object { $_.method -eq 'PUT' })
        @($writes | Where-Object path -Match 'partNumber=').Count | Should -Be 6 -Because 'the 12 MiB object goes in three parts each way'
        foreach ($w in $writes) {
            $md5 = $w.headers.'content-md5'
            $md5 | Should -Not -BeNullOrEmpty -Because "$($w.host)$($w.path)"
            [Convert]::FromBase64String($md5).Length | Should -Be 16
        }
    }
}

Describe 'A CRC-64 the vendor reports that does not match the bytes fails the object' -Tag S3, "skip: $NoVendors" -Skip:([bool]$NoVendors) {
    BeforeAll {
        Set-FaultProxy $Proxy -ResetStats -Settings @{ corruptCrc64 = '^(GetObject|HeadObject) oss-src/crc/bad-src|^PutObject cos-dst-1250000000/crc/bad-dst' }
        $script:Run = Invoke-Migration @'
New-MigrationTask -Name crc -Source oss://oss-src/crc/ -SourceProfile ali -Destination cos://cos-dst-1250000000/crc/ -DestinationProfile tencent | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -ErrorAction SilentlyContinue
Get-MigrationStatus crc | ConvertTo-Json -Compress -EnumsAsStrings
Get-MigrationTask crc | Export-FailedObjects | ForEach-Object { $_ | ConvertTo-Json -Compress -EnumsAsStrings }
'@
        Set-FaultProxy $Proxy -Settings @{ corruptCrc64 = '' }
        $script:Lines = @(Get-JsonLines $Run.Output)
    }

    It 'marks the object whose source CRC-64 differs, and the one whose destination CRC-64 differs, failed' {
        $status = $Lines | Where-Object { $_.PSObject.Properties['State'] } | Select-Object -First 1
        $status.Succeeded | Should -Be 1 -Because $Run.Output
        $status.Failed | Should -Be 2
        $failed = $Lines | Where-Object { $_.PSObject.Properties['Key'] }
        @($failed.Key | Sort-Object) | Should -Be @('bad-dst.txt', 'bad-src.txt')
        foreach ($f in $failed) { $f.Error | Should -Match 'CRC-64' -Because $f.Key }
        ($failed | Where-Object Key -EQ 'bad-src.txt').Error | Should -Match 'source reports'
        ($failed | Where-Object Key -EQ 'bad-dst.txt').Error | Should -Match 'destination reports'
    }

    It 'receives the vendors'' CRC-64 headers where nothing is corrupted' {
        $h = Invoke-WebRequest -Uri "$($Proxy.Endpoint)/crc/good.txt" -Method Head -Headers @{ Host = "cos-dst-1250000000.cos.ap-guangzhou.myqcloud.com:$($Proxy.Port)" } -SkipHttpErrorCheck
        $h.StatusCode | Should -Be 200
        "$($h.Headers['x-cos-hash-crc64ecma'])" | Should -Match '^\d+$'
    }
}

Describe 'Custom domains bound to one bucket' -Tag S3, "skip: $NoVendors" -Skip:([bool]$NoVendors) {
    BeforeAll {
        Set-FaultProxy $Proxy -ResetStats
        $script:Run = Invoke-Migration @'
foreach ($t in @(@('oss://oss-src/a/', 'ali'), @('oss://oss-src/a/', 'ali-cdn'), @('cos://cos-dst-1250000000/', 'tencent-cdn'), @('oss://oss-src/a/', 'ali-internal'))) {
    Test-MigrationEndpoint $t[0] -Profile $t[1] -ReadOnly | Select-Object Profile, Endpoint, IsHealthy, Problems | ConvertTo-Json -Compress
}
New-MigrationTask -Name cdn -Source oss://oss-src/a/ -SourceProfile ali-cdn -Destination cos://cos-dst-1250000000/cdn/ -DestinationProfile tencent-cdn | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle
Get-MigrationStatus cdn | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $script:Lines = @(Get-JsonLines $Run.Output)
        $script:Requests = @(Get-VendorRequests | Where-Object { $_.host -like '*-cdn.mspmigration.test:*' })
    }

    It 'prints the endpoint Test-MigrationEndpoint derived, for every kind of profile' {
        $probes = $Lines | Where-Object { $_.PSObject.Properties['Endpoint'] }
        ($probes | Where-Object Profile -EQ 'ali').Endpoint | Should -Be "http://s3.oss-cn-hangzhou.aliyuncs.com:$($Proxy.Port)"
        ($probes | Where-Object Profile -EQ 'ali-cdn').Endpoint | Should -Be "http://oss-cdn.mspmigration.test:$($Proxy.Port)"
        ($probes | Where-Object Profile -EQ 'tencent-cdn').Endpoint | Should -Be "http://cos-cdn.mspmigration.test:$($Proxy.Port)"
        ($probes | Where-Object Profile -EQ 'ali-internal').Endpoint | Should -Be 'https://s3.oss-cn-hangzhou-internal.aliyuncs.com'
        foreach ($p in 'ali', 'ali-cdn', 'tencent-cdn') { ($probes | Where-Object Profile -EQ $p).IsHealthy | Should -BeTrue -Because "$p $($Run.Output)" }
    }

    It 'migrates from one custom domain to another' {
        $status = $Lines | Where-Object { $_.PSObject.Properties['State'] } | Select-Object -Last 1
        $status.State | Should -Be 'Completed' -Because $Run.Output
        foreach ($k in @($Objects.Keys | Where-Object { $_ -like 'a/*' })) {
            (Get-Stored cos-dst-1250000000 ('cdn/' + $k.Substring(2))) | Should -Be (Get-Sha256 $Objects[$k]) -Because $k
        }
    }

    It 'puts the bucket in neither host nor path, and signs what it sends' {
        @($Requests | Where-Object { $_.host -like 'oss-cdn.*' }).Count | Should -BeGreaterThan 3
        @($Requests | Where-Object { $_.host -like 'cos-cdn.*' -and $_.method -eq 'PUT' }).Count | Should -BeGreaterThan 3
        foreach ($r in $Requests) {
            $r.style | Should -Be 'domain'
            $r.host | Should -Match '^(oss|cos)-cdn\.mspmigration\.test:\d+$'
            $r.path | Should -Not -Match 'oss-src|cos-dst-1250000000'
            $r.signed | Should -BeTrue -Because "$($r.method) $($r.host)$($r.path)"
        }
    }
}

Describe 'New-MigrationTask -StorageClass' -Tag S3, "skip: $NoVendors" -Skip:([bool]$NoVendors) {
    BeforeAll {
        Set-FaultProxy $Proxy -ResetStats
        $script:Run = Invoke-Migration @'
$t = New-MigrationTask -Name ia -Source oss://oss-src/a/ -SourceProfile ali -Destination cos://cos-dst-1250000000/ia/ -DestinationProfile tencent-cold -StorageClass ia
$t.Settings | ConvertTo-Json -Compress
$null = Start-MigrationAgent -ExitWhenIdle
Get-MigrationStatus ia | ConvertTo-Json -Compress -EnumsAsStrings
foreach ($bad in @(@('cos://cos-dst-1250000000/x/', 'GLACIER'), @("$HOME/local-dst", 'STANDARD_IA'))) {
    try { New-MigrationTask -Name "bad-$($bad[1])" -Source oss://oss-src/a/ -SourceProfile ali -Destination $bad[0] -DestinationProfile tencent -StorageClass $bad[1] | Out-Null }
    catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Target = $_.TargetObject } | ConvertTo-Json -Compress }
}
@(Get-MigrationTask).Count
'@
        $script:Lines = @(Get-JsonLines $Run.Output)
        $script:Requests = @(Get-VendorRequests | Where-Object { $_.host -like 'cos-dst-*' -and (($_.method -eq 'PUT' -and $_.path -notmatch 'partNumber=') -or ($_.method -eq 'POST' -and $_.path -match '\?uploads')) })
    }

    It 'stores the class in the vendor''s spelling and writes every object with it, over the profile''s' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Error
        ($Lines | Where-Object { $_.PSObject.Properties['StorageClass'] } | Select-Object -First 1).StorageClass | Should -Be 'STANDARD_IA'
        ($Lines | Where-Object { $_.PSObject.Properties['State'] }).State | Should -Be 'Completed'
        $Requests.Count | Should -Be 6 -Because 'five single PUTs and one multipart upload'
        foreach ($r in $Requests) { $r.headers.'x-amz-storage-class' | Should -Be 'STANDARD_IA' -Because $r.path }
        (Get-S3ObjectHeaders -Server $S3 -Bucket cos-dst-1250000000 -Key 'ia/small-1.txt')['x-amz-storage-class'] | Should -Be 'STANDARD_IA'
    }

    It 'refuses a class the destination''s service does not have, naming it and the valid ones' {
        $e = $Lines | Where-Object { $_.PSObject.Properties['Id'] -and $_.Target -eq 'GLACIER' }
        $e.Id | Should -BeLike 'StorageClassInvalid,*'
        $e.Category | Should -Be 'InvalidArgument'
        $e.Message | Should -Match 'GLACIER.*Tencent Cloud COS.*STANDARD_IA.*DEEP_ARCHIVE'
    }

    It 'refuses a storage class for a local destination, and creates no task for either' {
        $e = $Lines | Where-Object { $_.PSObject.Properties['Id'] -and $_.Target -eq 'STANDARD_IA' }
        $e.Id | Should -BeLike 'StorageClassNotSupported,*'
        $e.Message | Should -Match 'STANDARD_IA'
        ($Run.Output -split "`r?`n" | Where-Object { $_ -match '^\d+$' } | Select-Object -Last 1) | Should -Be '1'
    }
}

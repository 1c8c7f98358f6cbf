# S3 sources that change or break while a migration runs: the destination must hold one whole
# version of each object, the journal must describe that version (what status counts and what a
# secondary pass compares with), and a broken body continues where it broke instead of being read
# again. Real s3rver behind the fault proxy (tests/infra), real agents in their own pwsh processes.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Dst = Start-S3rver -Bucket dst-bucket
    # Faults only where a test asks for them (Set-FaultProxy).
    $script:Proxy = Start-FaultProxy -Target $Src
    $script:DstProxy = Start-FaultProxy -Target $Dst

    function New-S3Workspace([int] $Concurrency = 8, [hashtable] $AgentSettings = @{}) {
        $ws = New-TestWorkspace -Concurrency $Concurrency -AgentSettings $AgentSettings
        Add-Content -Path $ws.Config -Value @"

[profiles.src]
type = "s3"
endpoint = "$($Src.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.src-proxy]
type = "s3"
endpoint = "$($Proxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst]
type = "s3"
endpoint = "$($Dst.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst-proxy]
type = "s3"
endpoint = "$($DstProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
max_attempts = 2
"@
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite') }
        $ws
    }



    function Get-JsonLines([string] $Text) {
        $Text -split "`r?`n" | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json }
    }
}

AfterAll {
    Stop-FaultProxy $Proxy
    Stop-FaultProxy $DstProxy
    Stop-S3rver $Src
    Stop-S3rver $Dst
}

Describe 'An S3 object overwritten with another size between listing and copy' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        # One worker takes the objects in key order, one a second (QPS 1): the last is copied seconds after the first.
        $ws = New-S3Workspace -Concurrency 1
        foreach ($i in 1..5) { Add-S3Object -Server $Src -Bucket src-bucket -Key "chg/a$i" -Body (New-Bytes 2048 $i) }
        $oldBody = New-Bytes 1000 100
        $newBody = New-Bytes 3000 101
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'chg/z-last' -Body $oldBody

        $null = Invoke-Pwsh -Workspace $ws -Name create -Script @'
New-MigrationTask -Name chg -Source s3://src-bucket/chg/ -SourceProfile src -Destination s3://dst-bucket/chg/ -DestinationProfile dst -QpsLimit 1 | Out-Null
'@
        # One object a second: the listing (one page) is stored before the first copy, and the
        # last key is copied some seconds after the first.
        $agent = Start-PwshProcess -Workspace $ws -Name first -Script @'
$null = Start-MigrationAgent -ExitWhenIdle -TaskName chg
Get-MigrationStatus chg | ConvertTo-Json -Compress -EnumsAsStrings
'@
        Wait-Until -TimeoutSeconds 120 -Because 'the first object to be copied' { Get-S3ObjectHeaders -Server $Dst -Bucket dst-bucket -Key 'chg/a1' }
        if (Get-S3ObjectHeaders -Server $Dst -Bucket dst-bucket -Key 'chg/z-last') { throw 'the last object was copied before it could be changed' }
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'chg/z-last' -Body $newBody
        $first = Wait-PwshProcess -Process $agent -TimeoutSeconds 120
        $status = Get-JsonLines $first.Output | Select-Object -Last 1
        $copiedFirst = @(Get-TransferLogKeys $ws.TransferLog).Count

        $second = Invoke-Pwsh -Workspace $ws -Name second -Script @'
Restart-MigrationTask chg -Incremental
$null = Start-MigrationAgent -ExitWhenIdle -TaskName chg
Get-MigrationStatus chg | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $status2 = Get-JsonLines $second.Output | Select-Object -Last 1
        $copiedSecond = @(Get-TransferLogKeys $ws.TransferLog) | Select-Object -Skip $copiedFirst
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'leaves the new version, whole, at the destination' {
        $first.ExitCode | Should -Be 0 -Because $first.Error
        $status.State | Should -Be 'Completed'
        $status.Succeeded | Should -Be 6
        $got = Get-S3Body -Server $Dst -Bucket dst-bucket -Key 'chg/z-last'
        $got.Length | Should -Be $newBody.Length
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($got)) |
            Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($newBody)))
    }

    It 'journals the size of the version copied, not the one listed' {
        $status.TotalBytes | Should -Be (5 * 2048 + $newBody.Length)
        $status.TransferredBytes | Should -Be (5 * 2048 + $newBody.Length)
    }

    It 'finds nothing changed in a secondary pass, since the journal holds what is at the destination' {
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $status2.Pass | Should -Be 2
        $status2.ChangedInPass | Should -Be 0
        @($copiedSecond) | Should -BeNullOrEmpty
        $status2.TransferredBytes | Should -Be (5 * 2048 + $newBody.Length)
    }
}

Describe 'A source body that breaks mid-object' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-S3Workspace
        $big = New-Bytes 100MB 7
        $bigHash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($big))
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'big/100MiB.bin' -Body $big
        $big = $null
        # The first two GETs of the object are reset after 40 MiB of their body.
        Set-FaultProxy -Proxy $Proxy -ResetStats -Settings @{ resetRate = 1; truncateRate = 0; cutBytes = 40MB; faultLimit = 2; match = '^GetObject src-bucket/big/' }
        $run = Invoke-Pwsh -Workspace $ws -Name big -TimeoutSeconds 300 -Script @'
New-MigrationTask -Name big -Source s3://src-bucket/big/ -SourceProfile src-proxy -Destination s3://dst-bucket/big/ -DestinationProfile dst | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -TaskName big
Get-MigrationStatus big | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $status = Get-JsonLines $run.Output | Select-Object -Last 1
        $stats = Get-FaultProxyStats $Proxy
        $get = $stats.keys.'src-bucket/big/100MiB.bin'.GetObject
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'copies the object, byte-identical, through the resets' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status.Succeeded | Should -Be 1
        $stats.faults.reset | Should -Be 2
        $got = Get-S3Body -Server $Dst -Bucket dst-bucket -Key 'big/100MiB.bin'
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($got)) | Should -Be $bigHash
    }

    It 'fetches the object from the source less than 1.3 times over' {
        $get.bytes | Should -BeGreaterOrEqual 100MB
        $get.bytes | Should -BeLessThan (1.3 * 100MB)
    }
}

Describe 'An S3 object overwritten between a break in its body and the resumed read' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        # One attempt per object, so the first run shows the reason an object fails with.
        $ws = New-S3Workspace -AgentSettings @{ max_attempts = 1 }
        $v1 = New-Bytes 4MB 21
        $v2 = New-Bytes 3MB 22
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'mid/obj.bin' -Body $v1
        # The first GET's body ends (FIN) after 2 MiB; the agent drains it at 2 Mbit/s (8 s), and
        # the object is overwritten meanwhile, before the rest is asked for.
        Set-FaultProxy -Proxy $Proxy -ResetStats -Settings @{ resetRate = 0; truncateRate = 1; cutBytes = 2MB; faultLimit = 1; match = '^GetObject src-bucket/mid/' }
        $null = Invoke-Pwsh -Workspace $ws -Name create -Script @'
New-MigrationTask -Name mid -Source s3://src-bucket/mid/ -SourceProfile src-proxy -Destination s3://dst-bucket/mid/ -DestinationProfile dst -BandwidthLimit 2Mbit | Out-Null
'@
        $agent = Start-PwshProcess -Workspace $ws -Name first -Script @'
$null = Start-MigrationAgent -ExitWhenIdle -TaskName mid -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationTask mid | Export-FailedObjects | ConvertTo-Json -Compress
'@
        Wait-Until -TimeoutSeconds 120 -Because 'the first GET of the object' {
            $k = (Get-FaultProxyStats $Proxy).keys.'src-bucket/mid/obj.bin'
            $k -and $k.PSObject.Properties['GetObject'] -and $k.GetObject.requests -ge 1
        }
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'mid/obj.bin' -Body $v2
        if ((Get-FaultProxyStats $Proxy).keys.'src-bucket/mid/obj.bin'.GetObject.requests -gt 1) { throw 'the object was overwritten only after the read resumed' }
        $first = Wait-PwshProcess -Process $agent -TimeoutSeconds 120
        $failed = Get-JsonLines $first.Output
        $afterFirst = Get-S3ObjectHeaders -Server $Dst -Bucket dst-bucket -Key 'mid/obj.bin'

        $second = Invoke-Pwsh -Workspace $ws -Name second -Script @'
Restart-MigrationTask mid -FailedOnly
$null = Start-MigrationAgent -ExitWhenIdle -TaskName mid
Get-MigrationStatus mid | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $status = Get-JsonLines $second.Output | Select-Object -Last 1
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'fails the attempt as a changed source, never writing a torn object' {
        $first.ExitCode | Should -Be 0 -Because $first.Error
        $failed.Key | Should -Be 'obj.bin'
        $failed.Error | Should -Match 'changed while it was being copied'
        $afterFirst | Should -BeNullOrEmpty
    }

    It 'copies the new version whole on the next attempt and journals its size' {
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $status.Succeeded | Should -Be 1
        $status.TransferredBytes | Should -Be $v2.Length
        $got = Get-S3Body -Server $Dst -Bucket dst-bucket -Key 'mid/obj.bin'
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($got)) |
            Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($v2)))
    }
}

Describe 'Multipart uploads through failing parts' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-S3Workspace -AgentSettings @{ max_attempts = 2 }
        New-Item -ItemType Directory "$($ws.Source)/mp" | Out-Null
        [IO.File]::WriteAllBytes("$($ws.Source)/mp/40MiB.bin", (New-Bytes 40MB 5))
        New-Item -ItemType Directory "$($ws.Source)/doomed" | Out-Null
        [IO.File]::WriteAllBytes("$($ws.Source)/doomed/40MiB.bin", (New-Bytes 40MB 6))

        # One part of the first object fails once (503); every part of the second always fails.
        Set-FaultProxy -Proxy $DstProxy -ResetStats -Settings @{ errorRate = 1; faultLimit = 1; match = '^UploadPart dst-bucket/mp/' }
        $one = Invoke-Pwsh -Workspace $ws -Name mp -TimeoutSeconds 300 -Script @'
New-MigrationTask -Name mp -Source ./src/mp -Destination s3://dst-bucket/mp/ -DestinationProfile dst-proxy | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -TaskName mp
Get-MigrationStatus mp | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $mpStatus = Get-JsonLines $one.Output | Select-Object -Last 1
        $mp = (Get-FaultProxyStats $DstProxy).keys.'dst-bucket/mp/40MiB.bin'

        Set-FaultProxy -Proxy $DstProxy -ResetStats -Settings @{ errorRate = 1; faultLimit = $null; match = '^UploadPart dst-bucket/doomed/' }
        $two = Invoke-Pwsh -Workspace $ws -Name doomed -TimeoutSeconds 300 -Script @'
New-MigrationTask -Name doomed -Source ./src/doomed -Destination s3://dst-bucket/doomed/ -DestinationProfile dst-proxy | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -TaskName doomed -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationTask doomed | Export-FailedObjects | ConvertTo-Json -Compress
'@
        $doomedFailed = Get-JsonLines $two.Output
        $doomed = (Get-FaultProxyStats $DstProxy).keys.'dst-bucket/doomed/40MiB.bin'
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'sends again only the part that failed, in the same upload' {
        $one.ExitCode | Should -Be 0 -Because $one.Error
        $mpStatus.Succeeded | Should -Be 1
        $mp.CreateMultipartUpload.requests | Should -Be 1
        $mp.UploadPart.faults | Should -Be 1
        $mp.UploadPart.requests | Should -Be 6 # five 8 MiB parts, one of them twice
        $mp.PSObject.Properties['AbortMultipartUpload'] | Should -BeNullOrEmpty
    }

    It 'aborts the upload of every attempt of an object it gives up on' {
        $doomedFailed.Key | Should -Be '40MiB.bin'
        $doomedFailed.Error | Should -Match 'gave up after 2 attempts'
        $doomed.CreateMultipartUpload.requests | Should -Be 2
        $doomed.AbortMultipartUpload.requests | Should -Be 2
        Get-S3ObjectHeaders -Server $Dst -Bucket dst-bucket -Key 'doomed/40MiB.bin' | Should -BeNullOrEmpty
    }
}

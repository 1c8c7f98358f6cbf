# Large S3 objects are read as several ranged GETs at once, each pinned to the first response's
# ETag (If-Match) and resumed where it breaks. The guarantees of a sequential read must hold:
# an object overwritten while its ranges are read is never recorded as copied, and ranges broken
# by resets still give the exact bytes. Real s3rver behind the fault proxy, real agents.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Dst = Start-S3rver -Bucket dst-bucket
    $script:Proxy = Start-FaultProxy -Target $Src

    function New-RangedWorkspace([hashtable] $AgentSettings) {
        $ws = New-TestWorkspace -Concurrency 2 -AgentSettings $AgentSettings
        Add-S3Profile -Workspace $ws -Name src -Endpoint $Proxy.Endpoint
        Add-S3Profile -Workspace $ws -Name dst -Endpoint $Dst.Endpoint
        $ws
    }


    function Get-Sha256([byte[]] $Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    function Get-DstSha256([string] $Key) {
        $path = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid().ToString('N'))
        try {
            Invoke-WebRequest -Uri "$($Dst.Endpoint)/dst-bucket/$(ConvertTo-S3Path $Key)" -OutFile $path
            Get-Sha256 ([IO.File]::ReadAllBytes($path))
        } finally { Remove-Item $path -ErrorAction SilentlyContinue }
    }
}

AfterAll {
    Stop-FaultProxy $Proxy
    Stop-S3rver $Src
    Stop-S3rver $Dst
}

Describe 'A large object overwritten at the source while its ranges are being read' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        # One attempt, so the outcome of the attempt that met the overwrite is what is recorded.
        # memory_mb = 32 leaves 16 MiB (two 8 MiB ranges) for read-ahead, so most ranges of the
        # 96 MiB object are asked for only after the overwrite; 12 MB/s makes the copy last ~8 s.
        $ws = New-RangedWorkspace @{ max_attempts = 1; memory_mb = 32 }
        $v1 = New-Bytes 96MB 31
        $v2 = New-Bytes 96MB 32
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'ow/big.bin' -Body $v1
        Set-FaultProxy -Proxy $Proxy -ResetStats -Settings @{ resetRate = 0; truncateRate = 0 }
        $null = Invoke-Pwsh -Workspace $ws -Name create -Script @'
New-MigrationTask -Name ow -Source s3://src-bucket/ow/ -SourceProfile src -Destination s3://dst-bucket/ow/ -DestinationProfile dst -BandwidthLimit 12MB | Out-Null
'@
        $agent = Start-PwshProcess -Workspace $ws -Name run -Script @'
$null = Start-MigrationAgent -ExitWhenIdle -TaskName ow -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationStatus ow | ConvertTo-Json -Compress -EnumsAsStrings
Get-MigrationTask ow | Export-FailedObjects | ConvertTo-Json -Compress
'@
        Wait-Until -TimeoutSeconds 120 -Because 'the ranged reads of the object to begin' {
            $k = (Get-FaultProxyStats $Proxy).keys.'src-bucket/ow/big.bin'
            $k -and $k.PSObject.Properties['GetObject'] -and $k.GetObject.requests -ge 2
        }
        # Counted before the upload starts: s3rver writes the new version in place, so a range
        # asked for during the upload may already meet it.
        $requestsAtOverwrite = (Get-FaultProxyStats $Proxy).keys.'src-bucket/ow/big.bin'.GetObject.requests
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'ow/big.bin' -Body $v2
        $run = Wait-PwshProcess -Process $agent -TimeoutSeconds 180
        $lines = @($run.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | ForEach-Object { $_ | ConvertFrom-Json })
        $status = $lines[0]
        $failed = @($lines | Select-Object -Skip 1)
        $requests = (Get-FaultProxyStats $Proxy).keys.'src-bucket/ow/big.bin'.GetObject.requests
        $atDestination = Get-S3ObjectHeaders -Server $Dst -Bucket dst-bucket -Key 'ow/big.bin'
        $oldHash, $newHash = (Get-Sha256 $v1), (Get-Sha256 $v2)
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'was overwritten while ranges were still to be read' {
        $requestsAtOverwrite | Should -BeLessThan 12 -Because 'the object has 12 ranges of 8 MiB'
        $requests | Should -BeGreaterThan $requestsAtOverwrite -Because 'ranges were read after the overwrite began'
    }

    It 'does not record the object as Succeeded, and names the change' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status.Succeeded | Should -Be 0
        $failed.Count | Should -Be 1
        $failed[0].Error | Should -Match 'changed while it was being copied'
    }

    It 'writes no object, or one whole version, under the name' {
        if ($atDestination) { Get-DstSha256 'ow/big.bin' | Should -BeIn @($oldHash, $newHash) }
        else { $atDestination | Should -BeNullOrEmpty }
    }
}

Describe 'A large object whose ranged reads are reset again and again' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-RangedWorkspace @{}
        $body = New-Bytes 72MB 41
        $hash = Get-Sha256 $body
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'rs/big.bin' -Body $body
        $body = $null
        # Half of the GETs of the object (whole or ranged) are reset at a random point of their body.
        Set-FaultProxy -Proxy $Proxy -ResetStats -Settings @{ resetRate = 0.5; truncateRate = 0; faultLimit = 10; match = '^GetObject src-bucket/rs/' }
        $run = Invoke-Pwsh -Workspace $ws -Name rs -TimeoutSeconds 300 -Script @'
New-MigrationTask -Name rs -Source s3://src-bucket/rs/ -SourceProfile src -Destination s3://dst-bucket/rs/ -DestinationProfile dst | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -TaskName rs
Get-MigrationStatus rs | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $status = $run.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
        $stats = Get-FaultProxyStats $Proxy
        $get = $stats.keys.'src-bucket/rs/big.bin'.GetObject
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'read the object as ranges and met resets' {
        $get.requests | Should -BeGreaterThan 9 -Because 'nine 8 MiB ranges, plus a request per resumed break'
        $stats.faults.reset | Should -BeGreaterOrEqual 3
    }

    It 'copies the exact bytes' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $status.Succeeded | Should -Be 1
        Get-DstSha256 'rs/big.bin' | Should -Be $hash
    }

    It 'resumes each broken range instead of reading the object again' {
        $get.bytes | Should -BeLessThan (1.3 * 72MB)
    }
}

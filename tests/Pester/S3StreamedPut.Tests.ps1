# Single-part objects copied S3 to S3 over HTTPS go in one PUT carrying the source's MD5
# (Content-MD5) and no SHA-256 of the body (UNSIGNED-PAYLOAD), and stream through: a damaged
# source body never lands at the destination, and a PUT that breaks reads the object again.
# Real s3rver; the destination is reached through the fault proxy serving HTTPS and holding each
# PUT until whole (as a real service stores it), which logs what every request carried.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Dst = Start-S3rver -Bucket dst-bucket
    $script:Proxy = Start-FaultProxy -Target $Src
    $script:DstProxy = Start-FaultProxy -Target $Dst -Https -AtomicPuts
    # The agents (child processes) trust the proxy's certificate.
    $script:SavedCertFile = $env:SSL_CERT_FILE
    $env:SSL_CERT_FILE = $DstProxy.CertificateFile

    function New-StreamWorkspace {
        $ws = New-TestWorkspace
        Add-Content -Path $ws.Config -Value @"

[profiles.src-proxy]
type = "s3"
endpoint = "$($Proxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"

[profiles.dst-tls]
type = "s3"
endpoint = "$($DstProxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
"@
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite') }
        $ws
    }



    function Get-Sha256Of([byte[]] $Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    function Invoke-Copy($Workspace, [string] $Name) {
        $run = Invoke-Pwsh -Workspace $Workspace -Name $Name -TimeoutSeconds 300 -Script @"
New-MigrationTask -Name $Name -Source s3://src-bucket/$Name/ -SourceProfile src-proxy -Destination s3://dst-bucket/$Name/ -DestinationProfile dst-tls | Out-Null
`$null = Start-MigrationAgent -ExitWhenIdle -TaskName $Name -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationStatus $Name | ConvertTo-Json -Compress -EnumsAsStrings
"@
        $run | Add-Member -NotePropertyName Status -NotePropertyValue ($run.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json)
        $run
    }

    function Get-Puts([string] $Path) { @(Get-FaultProxyRequests $DstProxy | Where-Object { $_.method -eq 'PUT' -and $_.path -eq $Path }) }
}

AfterAll {
    $env:SSL_CERT_FILE = $SavedCertFile
    Stop-FaultProxy $Proxy
    Stop-FaultProxy $DstProxy
    Stop-S3rver $Src
    Stop-S3rver $Dst
}

Describe 'A single-part S3 object copied to an HTTPS destination' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-StreamWorkspace
        $body = New-Bytes 5MB 31
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'one/a.bin' -Body $body
        $etag = (Get-S3ObjectHeaders -Server $Src -Bucket src-bucket -Key 'one/a.bin').ETag[0].Trim('"')
        Set-FaultProxy -Proxy $DstProxy -ResetStats
        $run = Invoke-Copy $ws one
        $puts = Get-Puts '/dst-bucket/one/a.bin'
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'copies it byte for byte' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Status.Succeeded | Should -Be 1
        (Get-Sha256Of (Get-S3Body $Dst dst-bucket 'one/a.bin')) | Should -Be (Get-Sha256Of $body)
    }

    It "sends it in one PUT whose Content-MD5 is the source's ETag and whose body is not signed again" {
        $puts.Count | Should -Be 1
        $puts[0].headers.'content-md5' | Should -Be ([Convert]::ToBase64String([Convert]::FromHexString($etag)))
        $puts[0].headers.'x-amz-content-sha256' | Should -Be 'UNSIGNED-PAYLOAD'
        $puts[0].headers.'content-length' | Should -Be "$($body.Length)"
        $puts[0].headers.PSObject.Properties['content-encoding'] | Should -BeNullOrEmpty
    }
}

Describe 'A source body damaged on the way, with its ETag intact' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-StreamWorkspace
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'bad/x.bin' -Body (New-Bytes 3MB 41)
        $good = New-Bytes 2MB 42
        Add-S3Object -Server $Dst -Bucket dst-bucket -Key 'bad/x.bin' -Body $good
        # Every GET of the object passes with its first byte flipped.
        Set-FaultProxy -Proxy $Proxy -ResetStats -Settings @{ answers = @(@{ match = '^GetObject src-bucket/bad/'; corrupt = $true }) }
        Set-FaultProxy -Proxy $DstProxy -ResetStats
        try { $run = Invoke-Copy $ws bad }
        finally { Set-FaultProxy -Proxy $Proxy -Settings @{ answers = @() } }
        $gets = (Get-FaultProxyStats $Proxy).keys.'src-bucket/bad/x.bin'.GetObject.requests
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'does not count the object as copied' {
        $run.Status.Succeeded | Should -Be 0
        $run.Status.Failed | Should -Be 1
        $gets | Should -BeGreaterThan 1 -Because 'a damaged body is read again before the object fails'
    }

    It 'leaves the object already at the destination as it was' {
        (Get-Sha256Of (Get-S3Body $Dst dst-bucket 'bad/x.bin')) | Should -Be (Get-Sha256Of $good)
    }
}

Describe 'A streamed PUT reset mid-body' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $ws = New-StreamWorkspace
        $body = New-Bytes 4MB 51
        Add-S3Object -Server $Src -Bucket src-bucket -Key 'brk/obj.bin' -Body $body
        Set-FaultProxy -Proxy $Proxy -ResetStats
        # Seed 3 puts the reset of this PUT in its request body, after 1 MiB of it.
        Set-FaultProxy -Proxy $DstProxy -ResetStats -Settings @{ seed = 3; resetRate = 1; cutBytes = 1MB; faultLimit = 1; match = '^PutObject dst-bucket/brk/' }
        try { $run = Invoke-Copy $ws brk }
        finally { Set-FaultProxy -Proxy $DstProxy -Settings @{ seed = 1; resetRate = 0; cutBytes = ''; faultLimit = ''; match = '' } }
        $dstStats = Get-FaultProxyStats $DstProxy
        $gets = (Get-FaultProxyStats $Proxy).keys.'src-bucket/brk/obj.bin'.GetObject.requests
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'ends with the object copied byte for byte' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $dstStats.faults.reset | Should -Be 1
        $run.Status.Succeeded | Should -Be 1
        (Get-Sha256Of (Get-S3Body $Dst dst-bucket 'brk/obj.bin')) | Should -Be (Get-Sha256Of $body)
    }

    It 'reads the source again for the second PUT, since the first body cannot be resent' {
        $gets | Should -Be 2
        $dstStats.keys.'dst-bucket/brk/obj.bin'.PutObject.requests | Should -Be 2
    }
}

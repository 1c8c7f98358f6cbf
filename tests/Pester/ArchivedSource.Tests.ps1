# Objects in an archive storage class at the source (OSS Archive/ColdArchive/DeepColdArchive, COS
# ARCHIVE/DEEP_ARCHIVE) answer a GET with 403 InvalidObjectState until restored. The fault proxy
# answers for chosen keys as the vendors do (listing storage class, InvalidObjectState, RestoreObject,
# x-amz-restore on HEAD); the agent runs in its own pwsh process.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Proxy = Start-FaultProxy -Target $Src -Archived @(@{ match = '^src-bucket/cold/'; storageClass = 'ColdArchive' })
    $script:ws = New-TestWorkspace
    Add-S3Profile -Workspace $ws -Name src -Endpoint $Proxy.Endpoint
    foreach ($k in 'warm/1', 'warm/2', 'cold/a', 'cold/b') { Add-S3Object -Server $Src -Bucket src-bucket -Key $k -Body ([Text.Encoding]::UTF8.GetBytes("body of $k")) }

    $script:first = Invoke-Pwsh -Workspace $ws -Name first -Script @'
New-MigrationTask -Name cold -Source s3://src-bucket/ -SourceProfile src -Destination ./dst | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationStatus cold | ConvertTo-Json -Compress -EnumsAsStrings
Export-FailedObjects cold | ConvertTo-Json -Compress -EnumsAsStrings -AsArray
(Get-MigrationStatus cold | Format-List | Out-String -Width 200) -replace "`r?`n", ' '
'@
    $lines = $first.Output -split "`r?`n" | Where-Object { $_ }
    $script:status = $lines | Where-Object { $_.StartsWith('{') } | Select-Object -First 1 | ConvertFrom-Json
    $script:failed = $lines | Where-Object { $_.StartsWith('[') } | Select-Object -First 1 | ConvertFrom-Json
    $script:listView = $lines | Select-Object -Last 1
}

AfterAll {
    Stop-FaultProxy $Proxy
    Stop-S3rver $Src
    Remove-TestWorkspace $ws
}

Describe 'The fault proxy answers for archived keys as the vendors do' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    It 'reports their storage class in listings and refuses their GET with InvalidObjectState' {
        [xml] $list = (Invoke-WebRequest -Uri "$($Proxy.Endpoint)/src-bucket/?list-type=2").Content
        $classes = @{}
        foreach ($c in $list.ListBucketResult.Contents) { $classes[$c.Key] = $c.StorageClass }
        $classes['cold/a'] | Should -Be 'ColdArchive'
        $classes['warm/1'] | Should -Be 'STANDARD'
        $r = Invoke-WebRequest -Uri "$($Proxy.Endpoint)/src-bucket/cold/b" -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 403
        ([xml] $r.Content).Error.Code | Should -Be 'InvalidObjectState'
    }
}

Describe 'Archived objects at the source' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    It 'are counted apart from the failed ones in the status' {
        $first.ExitCode | Should -Be 0 -Because $first.Error
        $status.State | Should -Be 'CompletedWithFailures'
        ($status.Succeeded, $status.Failed, $status.Archived, $status.Pending) | Should -Be @(2, 0, 2, 0)
        $listView | Should -Match 'Archived\s+: 2'
    }

    It 'are listed by Export-FailedObjects with the reason SourceArchived, not AccessDenied' {
        $failed.Key | Sort-Object | Should -Be @('cold/a', 'cold/b')
        $failed.Reason | Sort-Object -Unique | Should -Be 'SourceArchived'
        $failed[0].Error | Should -Match 'archive storage class'
        $failed[0].Attempts | Should -Be 1
    }

    It 'are copied by -FailedOnly once restored at the source' {
        foreach ($k in 'cold/a', 'cold/b') {
            (Invoke-WebRequest -Method Post -Uri "$($Proxy.Endpoint)/src-bucket/$($k)?restore").StatusCode | Should -Be 202
            (Invoke-WebRequest -Method Head -Uri "$($Proxy.Endpoint)/src-bucket/$k").Headers['x-amz-restore'] | Should -Match 'ongoing-request="false"'
        }
        $second = Invoke-Pwsh -Workspace $ws -Name second -Script @'
Restart-MigrationTask cold -FailedOnly
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue
Get-MigrationStatus cold | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $after = $second.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
        ($after.State, $after.Succeeded, $after.Archived) | Should -Be @('Completed', 4, 0)
        [IO.File]::ReadAllText((Join-Path $ws.Root 'dst/cold/a')) | Should -Be 'body of cold/a'
    }
}

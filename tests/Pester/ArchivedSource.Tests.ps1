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

# New-MigrationTask -RestoreArchived: the agents restore archived objects at the source, wait for
# them holding no worker (Running, with a state reason), and copy them once a HEAD shows them readable.
Describe 'New-MigrationTask -RestoreArchived' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $script:Thawing = Start-FaultProxy -Target $Src -Archived @(@{ match = '^src-bucket/cold/'; storageClass = 'ColdArchive'; restoreMs = 6000 })
        $script:Frozen = Start-FaultProxy -Target $Src -Archived @(@{ match = '^src-bucket/cold/'; storageClass = 'ColdArchive'; restoreMs = 3600000 })
        $script:rws = New-TestWorkspace
        Add-S3Profile -Workspace $rws -Name thawing -Endpoint $Thawing.Endpoint
        Add-S3Profile -Workspace $rws -Name frozen -Endpoint $Frozen.Endpoint
        function script:Read-Status([string] $Task) {
            $r = Invoke-Pwsh -Workspace $rws -Name "status-$Task" -Script "Get-MigrationStatus $Task | ConvertTo-Json -Compress -EnumsAsStrings"
            $r.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
        }
    }

    AfterAll {
        Stop-FaultProxy $Thawing
        Stop-FaultProxy $Frozen
        Remove-TestWorkspace $rws
    }

    It 'restores them with the days asked for, waits across an agent restart, and copies them byte for byte' {
        $created = Invoke-Pwsh -Workspace $rws -Name create -Script @'
$t = New-MigrationTask -Name thaw -Source s3://src-bucket/ -SourceProfile thawing -Destination ./thaw -RestoreArchived 7
"$($t.Settings.RestoreArchived) $($t.Settings.RestoreTimeout)"
'@
        $created.ExitCode | Should -Be 0 -Because $created.Error
        $created.Output.Trim() | Should -Be '7 3.00:00:00' -Because 'the default bound is stored with the task'
        $agent = Start-PwshProcess -Workspace $rws -Name thaw-agent -Script 'Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null'
        try {
            $script:waiting = $null
            Wait-Until -TimeoutSeconds 60 -Because 'the task to wait for its restores' -Condition {
                $script:waiting = Read-Status thaw
                $waiting.StateReason -like 'Waiting for 2 archived objects*'
            }
            ($waiting.State, $waiting.Succeeded, $waiting.Archived) | Should -Be @('Running', 2, 2)
        }
        finally {
            # The agent dies while the restores run: the next one must carry on from the journal.
            $child = (& ps -o pid= --ppid $agent.Id) -as [int]
            Send-Signal -ProcessId ($child ? $child : $agent.Id) -Signal KILL
            $agent.WaitForExit(10000) | Out-Null
        }
        $afterKill = Read-Status thaw
        ($afterKill.State, $afterKill.Succeeded, $afterKill.Archived) | Should -Be @('Running', 2, 2) -Because 'the waiting objects are kept in the journal'
        $stats = Get-FaultProxyStats $Thawing
        $stats.restoreDays.'src-bucket/cold/a' | Should -Be 7
        $stats.restoreDays.'src-bucket/cold/b' | Should -Be 7
        $second = Invoke-Pwsh -Workspace $rws -Name thaw-again -Script @'
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue
Get-MigrationStatus thaw | ConvertTo-Json -Compress -EnumsAsStrings
'@
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $after = $second.Output -split "`r?`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
        ($after.State, $after.Succeeded, $after.Failed, $after.Archived) | Should -Be @('Completed', 4, 0, 0)
        foreach ($k in 'cold/a', 'cold/b', 'warm/1') {
            [IO.File]::ReadAllBytes((Join-Path $rws.Root "thaw/$k")) | Should -Be ([Text.Encoding]::UTF8.GetBytes("body of $k"))
        }
    }

    It 'leaves them failed as SourceArchived once -RestoreTimeout has passed' {
        $r = Invoke-Pwsh -Workspace $rws -Name frozen -Script @'
New-MigrationTask -Name frozen -Source s3://src-bucket/ -SourceProfile frozen -Destination ./frozen -RestoreArchived 2 -RestoreTimeout '00:00:08' | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Get-MigrationStatus frozen | ConvertTo-Json -Compress -EnumsAsStrings
Export-FailedObjects frozen | ConvertTo-Json -Compress -EnumsAsStrings -AsArray
'@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $lines = $r.Output -split "`r?`n" | Where-Object { $_ }
        $s = $lines | Where-Object { $_.StartsWith('{') } | Select-Object -First 1 | ConvertFrom-Json
        ($s.State, $s.Succeeded, $s.Archived) | Should -Be @('CompletedWithFailures', 2, 2)
        $s.StateReason | Should -Match 'not restored .* within the restore timeout \(00:00:08\)'
        $f = $lines | Where-Object { $_.StartsWith('[') } | Select-Object -First 1 | ConvertFrom-Json
        $f.Reason | Sort-Object -Unique | Should -Be 'SourceArchived'
        (Get-FaultProxyStats $Frozen).restoreDays.'src-bucket/cold/a' | Should -Be 2
        Test-Path (Join-Path $rws.Root 'frozen/cold/a') | Should -BeFalse
    }

    It 'is refused with <Id> for <Case>' -ForEach @(
        @{ Case = 'a local source'; Id = 'RestoreNotSupported'; Params = "-Source ./somewhere -RestoreArchived 3" }
        @{ Case = '0 days'; Id = 'RestoreDaysOutOfRange'; Params = "-Source s3://src-bucket/ -SourceProfile frozen -RestoreArchived 0" }
        @{ Case = '366 days'; Id = 'RestoreDaysOutOfRange'; Params = "-Source s3://src-bucket/ -SourceProfile frozen -RestoreArchived 366" }
        @{ Case = 'a timeout without restore'; Id = 'RestoreTimeoutInvalid'; Params = "-Source s3://src-bucket/ -SourceProfile frozen -RestoreTimeout 5" }
    ) {
        $r = Invoke-Pwsh -Workspace $rws -Name refused -Script @"
New-Item -ItemType Directory -Force ./somewhere | Out-Null
try { New-MigrationTask -Name refused $Params -Destination ./out | Out-Null; 'created' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
(Get-MigrationTask).Name -contains 'refused'
"@
        $out = $r.Output -split "`r?`n" | Where-Object { $_ }
        $out[0] | Should -BeLike "$Id,*"
        $out[-1] | Should -Be 'False' -Because 'nothing is created'
    }
}

# What goes wrong in the middle of a run: an agent killed during a multipart upload, a local
# destination that fills up or turns read-only (a small tmpfs, mounted by the test as root), and a
# PostgreSQL control plane stopped and started again. In each, nothing is recorded as done that is
# not, and the work finishes once the cause is gone.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver, unix
    $script:NoMount = Get-MissingPrerequisite root, linux
    $script:NoPg = Get-MissingPrerequisite postgres, unix
    if (-not $NoPg -and -not $env:MSPMIGRATION_TEST_PGDIR) { $script:NoPg = 'no PostgreSQL cluster of our own to stop (MSPMIGRATION_TEST_PGDIR unset)' }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Get-Sha256([string] $Path) { (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash }

    function Assert-NothingFalselyDone($Workspace, [string] $Task) {
        # Every object the control plane calls Succeeded is at the destination, equal to its source;
        # the destination holds no other file outside the staging folder.
        $status = Get-MigrationStatus $Task
        $failed = @(Get-MigrationTask $Task | Export-FailedObjects | ForEach-Object Key)
        $final = @(Get-ChildItem -Recurse -File $Workspace.Destination | Where-Object FullName -notmatch '[\\/]\.mspmigration-tmp[\\/]')
        foreach ($f in $final) {
            $rel = [IO.Path]::GetRelativePath($Workspace.Destination, $f.FullName)
            Get-Sha256 $f.FullName | Should -Be (Get-Sha256 (Join-Path $Workspace.Source $rel)) -Because "$rel is in place"
            $rel | Should -Not -BeIn $failed -Because "$rel is recorded as failed but is in place"
        }
        $final.Count | Should -Be $status.Succeeded -Because 'every object recorded as Succeeded, and no other, is in place'
        $status
    }
}

Describe 'An agent killed during a multipart upload' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $server = Start-S3rver -Bucket dst-bucket
        # Each part waits a while on its way back, so that the kill lands between parts.
        $proxy = Start-FaultProxy -Target $server -DelayRate 1 -DelayMs 800 -Match '^UploadPart '
        $ws = New-TestWorkspace -Concurrency 2 -AgentName first
        $big = [byte[]]::new(48MB)
        [Random]::new(5).NextBytes($big)
        [IO.File]::WriteAllBytes((Join-Path $ws.Source 'big.bin'), $big)
        $big = $null
        Add-Content -Path $ws.Config -Value @"

[profiles.dst]
type = "s3"
endpoint = "$($proxy.Endpoint)"
force_path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
"@
        [IO.File]::SetUnixFileMode($ws.Config, [IO.UnixFileMode]'UserRead, UserWrite')
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name mp -Source $ws.Source -Destination s3://dst-bucket/ -DestinationProfile dst | Out-Null
        $first = Start-PwshProcess -Workspace $ws -Name first -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'two parts to be uploaded' {
            $first.HasExited -or ((Get-FaultProxyStats $proxy).keys.'dst-bucket/big.bin'.UploadPart.ok -ge 2)
        }
        Send-Signal -ProcessId $first.Id -Signal KILL
        $first.WaitForExit(10000) | Out-Null
        $atKill = (Get-FaultProxyStats $proxy).keys.'dst-bucket/big.bin'
        Set-FaultProxy $proxy -Settings @{ delayRate = 0 }
        $second = Invoke-Pwsh -Workspace $ws -Name second -TimeoutSeconds 300 -Script 'Start-MigrationAgent -ExitWhenIdle -AgentName second | Out-Null'
        $atEnd = (Get-FaultProxyStats $proxy).keys.'dst-bucket/big.bin'
        $status = Get-MigrationStatus mp
        $copy = Join-Path $ws.Root 'downloaded.bin'
        Invoke-WebRequest -Uri "$($server.Endpoint)/dst-bucket/big.bin" -OutFile $copy
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Stop-FaultProxy $proxy
        Stop-S3rver $server
        Remove-TestWorkspace $ws
    }

    It 'was killed between parts, before the upload completed' {
        $first.ExitCode | Should -Be 137
        $atKill.CreateMultipartUpload.ok | Should -Be 1
        $atKill.UploadPart.ok | Should -BeGreaterOrEqual 2
        $atKill.PSObject.Properties.Name | Should -Not -Contain 'CompleteMultipartUpload'
    }

    It 'is finished by the next agent, completed once, byte for byte' {
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $status.State | Should -Be 'Completed'
        $status.Succeeded | Should -Be 1
        $atEnd.CompleteMultipartUpload.ok | Should -Be 1
        Get-Sha256 $copy | Should -Be (Get-Sha256 (Join-Path $ws.Source 'big.bin'))
    }
}

Describe 'A local destination that <Case> mid-run' -Tag "skip: $NoMount" -Skip:([bool]$NoMount) -ForEach @(
    @{ Case = 'runs out of space'; Size = '20m'; ReadOnly = $false }
    @{ Case = 'turns read-only'; Size = '64m'; ReadOnly = $true }
) {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 2
        $env:MSPMIGRATION_CONFIG = $ws.Config
        $rng = [Random]::new(9)
        for ($i = 0; $i -lt 32; $i++) {
            $bytes = [byte[]]::new(1MB); $rng.NextBytes($bytes)
            [IO.File]::WriteAllBytes((Join-Path $ws.Source ('f{0:00}.bin' -f $i)), $bytes)
        }
        # The destination is a bind mount of a tmpfs: a bind mount made anew read-only turns the
        # destination read-only at once, even while files on it are open for writing.
        $fs = Join-Path $ws.Root 'fs'
        New-Item -ItemType Directory $fs | Out-Null
        & mount -t tmpfs -o "size=$Size" tmpfs $fs
        & mount --bind $fs $ws.Destination
        if ($LASTEXITCODE -ne 0) { throw "mount failed" }
        # Slow enough (4 MiB/s) to turn the file system read-only in the middle of the run.
        $limit = if ($ReadOnly) { @{ BandwidthLimit = 4MB } } else { @{} }
        New-MigrationTask -Name full -Source $ws.Source -Destination $ws.Destination @limit | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        if ($ReadOnly) {
            Wait-Until -TimeoutSeconds 60 -Because 'some objects to be copied' { $agent.HasExited -or (Get-MigrationStatus full).Succeeded -ge 5 }
            & umount -l $ws.Destination
            & mount --bind -o ro $fs $ws.Destination
            if ($LASTEXITCODE -ne 0) { throw "the read-only mount failed" }
        }
        $run = Wait-PwshProcess -Process $agent -TimeoutSeconds 240
        $first = Assert-NothingFalselyDone $ws full
        $reasons = @(Get-MigrationTask full | Export-FailedObjects | ForEach-Object Error)
        # The cause goes away: more room, or writable again.
        & mount -o "remount,size=64m" $fs
        & mount -o remount,bind,rw $ws.Destination
        Restart-MigrationTask full -FailedOnly
        $again = Invoke-Pwsh -Workspace $ws -Name again -TimeoutSeconds 240 -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        $final = Get-MigrationStatus full
        $tree = Compare-Tree -Source $ws.Source -Destination $ws.Destination
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        & umount -l $ws.Destination 2>$null
        & umount -l $fs 2>$null
        Remove-TestWorkspace $ws
    }

    It 'ends the run, failing the objects that could not be written, saying why' {
        $run.ExitCode | Should -Be 1 -Because $run.Error
        $first.Failed | Should -BeGreaterThan 0
        $first.Succeeded | Should -BeGreaterThan 0
        $first.Failed + $first.Succeeded | Should -Be 32
        $run.Error | Should -Match 'completed with \d+ failed objects'
        $reasons.Count | Should -Be $first.Failed
        $reasons | ForEach-Object { $_ | Should -Match $(if ($ReadOnly) { 'read-only' } else { 'space' }) }
    }

    It 'finishes once the cause is gone, with every object in place' {
        $again.ExitCode | Should -Be 0 -Because $again.Error
        $final.State | Should -Be 'Completed'
        $final.Succeeded | Should -Be 32
        $tree | Should -BeNullOrEmpty
    }
}

Describe 'A PostgreSQL control plane stopped and started mid-run' -Tag "skip: $NoPg" -Skip:([bool]$NoPg) {
    BeforeAll {
        $ws = New-ClusterWorkspace -Store postgres -Agents solo -Concurrency 4
        New-SourceTree -Path $ws.Source -Count 1200 -MaxSize 2048
        $env:MSPMIGRATION_CONFIG = $ws.Config
        # About 20 s of work at 60 objects/s, so the outage falls in the middle.
        New-MigrationTask -Name pg -Source $ws.Source -Destination $ws.Destination -QpsLimit 60 | Out-Null
        $agent = Start-PwshProcess -Workspace (Get-AgentWorkspace $ws solo) -Name solo -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'the agent to copy some objects' { $agent.HasExited -or (Get-MigrationStatus pg).Succeeded -ge 200 }
        $beforeOutage = Get-MigrationStatus pg
        & bash "$PSScriptRoot/../infra/postgres.sh" pause
        Start-Sleep -Seconds 8
        $aliveThroughOutage = -not $agent.HasExited
        & bash "$PSScriptRoot/../infra/postgres.sh" resume
        $run = Wait-PwshProcess -Process $agent -TimeoutSeconds 240
        $final = Get-MigrationStatus pg
        $log = @(Get-TransferLogKeys "$($ws.Root)/solo.transfers.log")
        Write-Host "copied twice around the outage: $(@($log | Group-Object | Where-Object Count -gt 1).Count)"
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        if ($agent -and -not $agent.HasExited) { $agent.Kill($true) }
        & bash "$PSScriptRoot/../infra/postgres.sh" resume 2>$null
        Remove-ClusterWorkspace $ws
    }

    It 'keeps the agent running through the outage' {
        $beforeOutage.State | Should -Be 'Running'
        $beforeOutage.Succeeded | Should -BeLessThan 1200
        $aliveThroughOutage | Should -BeTrue -Because $run.Error
    }

    It 'finishes every object once the control plane is back' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $final.State | Should -Be 'Completed'
        $final.Succeeded | Should -Be 1200
        $final.Failed | Should -Be 0
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    # A worker whose outcome cannot be committed waits for the control plane instead of copying
    # its next object, so only the objects in flight at the outage can be copied again.
    It 'copies again no more than the objects in flight at the outage' {
        ($log | Sort-Object -Unique).Count | Should -Be 1200
        ($log.Count - 1200) | Should -BeLessOrEqual 4
    }
}

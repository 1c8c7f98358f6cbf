# Test-MigrationTask as an operator uses it after a migration: a clean destination reports nothing
# and exits 0; a destination tampered behind the module's back (one object deleted, one truncated,
# one replaced by other bytes of the same size, one extra added) gives exactly those four back, on
# local directories and on a real S3-compatible server; the fix of the guide makes it clean again.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Get-Differences($Output) { @($Output | Where-Object { $_ -is [MspMigration.ConsistencyDifference] }) }
    function Get-Summary($Output) { @($Output | Where-Object { $_ -is [MspMigration.ConsistencySummary] }) }
    function Format-Differences($Differences) { @($Differences | Sort-Object Key | ForEach-Object { "$($_.Kind) $($_.Key)" }) }

    # What the check must report for the four tampers, keys in the order deleted, truncated, replaced, extra.
    function Get-TamperedDifferences([string[]] $Keys) {
        Format-Differences @(
            [pscustomobject]@{ Kind = 'Missing'; Key = $Keys[0] }, [pscustomobject]@{ Kind = 'SizeDiffers'; Key = $Keys[1] },
            [pscustomobject]@{ Kind = 'ContentDiffers'; Key = $Keys[2] }, [pscustomobject]@{ Kind = 'ExtraAtDestination'; Key = $Keys[3] })
    }

    function Set-Tampered {
        # The four tampers of a destination directory; returns the keys in the order deleted, truncated, replaced, extra.
        param([Parameter(Mandatory)][string] $Root, [Parameter(Mandatory)][string[]] $Keys)
        Remove-Item -LiteralPath (Join-Path $Root $Keys[0])
        $fs = [IO.File]::Open((Join-Path $Root $Keys[1]), 'Open'); $fs.SetLength(3); $fs.Dispose()
        $path = Join-Path $Root $Keys[2]
        $bytes = [IO.File]::ReadAllBytes($path)
        for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = $bytes[$i] -bxor 0x5A }
        [IO.File]::WriteAllBytes($path, $bytes)
        Set-Content -LiteralPath (Join-Path $Root $Keys[3]) -Value 'not from the source' -NoNewline
    }
}

Describe 'Test-MigrationTask on local directories' {
    BeforeAll {
        $ws = New-TestWorkspace -AgentName check-agent
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 40 -MaxSize 8192
        # Out of the task's scope: an excluded key at the source, and later at the destination.
        Set-Content -LiteralPath "$($ws.Source)/d00/notes.tmp" -Value 'excluded'
        New-MigrationTask -Name photos -Source $ws.Source -Destination $ws.Destination -Exclude '*.tmp' | Out-Null
        Start-MigrationAgent -TaskName photos -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null
        $clean = Test-MigrationTask photos -ErrorVariable cleanErrors
        $cleanRun = Invoke-Pwsh -Workspace $ws -AsUser -Name clean -Script 'Test-MigrationTask photos | Out-Null'

        $keys = @(Get-ChildItem $ws.Destination -Recurse -File | Where-Object Length -gt 100 | Sort-Object FullName |
            ForEach-Object { [IO.Path]::GetRelativePath($ws.Destination, $_.FullName).Replace('\', '/') } | Select-Object -First 3)
        $keys += 'd01/extra.bin'
        Set-Tampered -Root $ws.Destination -Keys $keys
        Set-Content -LiteralPath "$($ws.Destination)/d00/left-over.tmp" -Value 'excluded, so not extra'
        $expected = Get-TamperedDifferences $keys
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'finds nothing after a clean migration, verified by size and time, and exits 0' {
        $cleanErrors | Should -BeNullOrEmpty
        Get-Differences $clean | Should -BeNullOrEmpty
        $summary = Get-Summary $clean
        $summary.Count | Should -Be 1
        $summary.IsConsistent | Should -BeTrue
        $summary.SourceObjects | Should -Be 40
        $summary.Consistent | Should -Be 40
        $summary.VerifiedBySizeAndTime | Should -Be 40
        $cleanRun.ExitCode | Should -Be 0 -Because $cleanRun.Error
        $cleanRun.Error | Should -BeNullOrEmpty
    }

    It 'with -Deep gets exactly the four tampered objects back' {
        $out = Test-MigrationTask photos -Deep -ErrorAction SilentlyContinue -ErrorVariable err
        Format-Differences (Get-Differences $out) | Should -Be $expected
        $content = Get-Differences $out | Where-Object Kind -eq ContentDiffers
        $content.Evidence | Should -Be 'Read'
        $summary = Get-Summary $out
        $summary.Consistent | Should -Be 37
        $summary.VerifiedByReading | Should -Be 37
        $summary.Differences | Should -Be 4
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotConsistent,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $err[0].TargetObject | Should -Be 'photos'
    }

    It 'without -Deep calls the same-size replacement Unverifiable, saying why, and finds the other three' {
        $out = Test-MigrationTask photos -ErrorAction SilentlyContinue
        $diff = Get-Differences $out
        Format-Differences ($diff | Where-Object Kind -ne Unverifiable) | Should -Be ($expected | Where-Object { $_ -notlike 'ContentDiffers *' })
        $unverifiable = @($diff | Where-Object Kind -eq Unverifiable)
        $unverifiable.Key | Should -Be $keys[2]
        $unverifiable.Reason | Should -Match 'neither side reports a hash.*modification times differ.*-Deep'
    }

    It 'exits 1 non-interactively with TaskNotConsistent on stderr' {
        $r = Invoke-Pwsh -Workspace $ws -AsUser -Name dirty -Script 'Test-MigrationTask photos -Deep | Out-Null'
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match "Task 'photos' is not consistent: 1 missing, 1 of another size, 1 with other content, 1 extra at the destination"
    }

    It 'writes the report as CSV and as JSON with -Path' {
        $csv = Join-Path $ws.Root 'report.csv'
        $json = Join-Path $ws.Root 'report.json'
        Test-MigrationTask photos -Deep -Path $csv -ErrorAction SilentlyContinue | Out-Null
        Test-MigrationTask photos -Deep -Path $json -ErrorAction SilentlyContinue | Out-Null
        $rows = Import-Csv $csv
        Format-Differences $rows | Should -Be $expected
        (Get-Content $csv -First 1) | Should -Be 'TaskName,Key,Kind,SourceSize,DestinationSize,Evidence,Reason'
        ($rows | Where-Object Kind -eq SizeDiffers).DestinationSize | Should -Be '3'
        $report = Get-Content -Raw $json | ConvertFrom-Json
        Format-Differences $report.Differences | Should -Be $expected
        $report.Summaries.Count | Should -Be 1
        $report.Summaries[0].IsConsistent | Should -BeFalse
        $report.Summaries[0].Missing | Should -Be 1
        { Test-MigrationTask photos -Path $csv -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists*'
        { Test-MigrationTask photos -Path (Join-Path $ws.Root 'no/such/folder/r.csv') -ErrorAction Stop } | Should -Throw -ErrorId 'ExportPathNotFound*'
    }

    It 'is consistent again after the fix of the guide' {
        # Copy again whatever differs, into the same destination, then remove the extra object.
        # The commands of docs/guide.md, section 8.
        $t = Get-MigrationTask photos
        New-MigrationTask -Name photos-fix -Source $t.Source -SourceProfile $t.SourceProfile `
            -Destination $t.Destination -DestinationProfile $t.DestinationProfile `
            -KeyPrefix $t.KeyPrefix -Include $t.Include -Exclude $t.Exclude -SameNamePolicy IfDifferent | Out-Null
        Start-MigrationAgent -TaskName photos-fix -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null
        Remove-Item -LiteralPath (Join-Path $ws.Destination $keys[3])
        $out = Test-MigrationTask photos -Deep -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Get-Differences $out | Should -BeNullOrEmpty
        (Get-Summary $out).Consistent | Should -Be 40
        (Compare-Tree -Source $ws.Source -Destination $ws.Destination) | Sort-Object | Should -Be @('extra: d00/left-over.tmp', 'missing: d00/notes.tmp')
    }
}

Describe 'Test-MigrationTask on s3rver' -Tag "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll {
        $s3 = Start-S3rver -Bucket src, dst
        $ws = New-TestWorkspace -AgentName s3-check-agent
        Add-S3Profile -Workspace $ws -Name s3 -Endpoint $s3.Endpoint
        $env:MSPMIGRATION_CONFIG = $ws.Config
        $rng = [Random]::new(5)
        foreach ($i in 1..24) {
            $body = [byte[]]::new(200 + $i * 37); $rng.NextBytes($body)
            Add-S3Object -Server $s3 -Bucket src -Key ("data/p{0:00}/obj {1:000}.bin" -f ($i % 4), $i) -Body $body
        }
        Add-S3Object -Server $s3 -Bucket src -Key 'data/p00/skip.tmp' -Body ([byte[]](1, 2, 3))
        New-MigrationTask -Name bucket -Source s3://src/data/ -SourceProfile s3 -Destination s3://dst/copy/ -DestinationProfile s3 -Exclude '*.tmp' | Out-Null
        Start-MigrationAgent -TaskName bucket -ExitWhenIdle -WarningAction SilentlyContinue | Out-Null
        $clean = Test-MigrationTask bucket -ErrorVariable cleanErrors

        $keys = @(Get-S3Keys -Server $s3 -Bucket dst -Prefix 'copy/' | ForEach-Object { $_.Substring(5) } | Sort-Object | Select-Object -First 3)
        $keys += 'p02/extra.bin'
        Invoke-WebRequest -Method Delete -Uri "$($s3.Endpoint)/dst/copy/$(ConvertTo-S3Path $keys[0])" | Out-Null
        Add-S3Object -Server $s3 -Bucket dst -Key "copy/$($keys[1])" -Body ([byte[]](1, 2, 3))
        $size = [int](Get-S3ObjectHeaders -Server $s3 -Bucket dst -Key "copy/$($keys[2])")['Content-Length'][0]
        Add-S3Object -Server $s3 -Bucket dst -Key "copy/$($keys[2])" -Body ([byte[]]::new($size))
        Add-S3Object -Server $s3 -Bucket dst -Key "copy/$($keys[3])" -Body ([byte[]](9, 9))
        # Outside the task's scope: another prefix of the bucket, and an excluded key inside it.
        Add-S3Object -Server $s3 -Bucket dst -Key 'elsewhere/x.bin' -Body ([byte[]](7))
        Add-S3Object -Server $s3 -Bucket dst -Key 'copy/p01/left-over.tmp' -Body ([byte[]](7))
        $expected = Get-TamperedDifferences $keys
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
        Stop-S3rver $s3
    }

    It 'finds nothing after a clean migration, verified by MD5 ETags' {
        $cleanErrors | Should -BeNullOrEmpty
        Get-Differences $clean | Should -BeNullOrEmpty
        $summary = Get-Summary $clean
        $summary.SourceObjects | Should -Be 24
        $summary.VerifiedByHash | Should -Be 24
    }

    It 'gets exactly the four tampered objects back without reading them' {
        $out = Test-MigrationTask bucket -ErrorAction SilentlyContinue -ErrorVariable err
        Format-Differences (Get-Differences $out) | Should -Be $expected
        (Get-Differences $out | Where-Object Kind -eq ContentDiffers).Evidence | Should -Be 'Md5ETag'
        (Get-Summary $out).VerifiedByReading | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotConsistent,*'
    }

    It 'gets the same four with -Deep, every other object read and consistent' {
        $out = Test-MigrationTask bucket -Deep -ErrorAction SilentlyContinue
        Format-Differences (Get-Differences $out) | Should -Be $expected
        (Get-Summary $out).VerifiedByReading | Should -Be 21
    }

    It 'exits 1 non-interactively' {
        $r = Invoke-Pwsh -Workspace $ws -AsUser -Name s3-dirty -Script 'Test-MigrationTask bucket -Path report.json | Out-Null'
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match 'TaskNotConsistent|is not consistent'
        Format-Differences (Get-Content -Raw (Join-Path $ws.Root 'report.json') | ConvertFrom-Json).Differences | Should -Be $expected
    }
}

Describe 'Test-MigrationTask errors' {
    BeforeAll {
        $ws = New-TestWorkspace -AgentName check-errors
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-OutcomeTasks -Workspace $ws
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'a source that cannot be listed ends the check with ConsistencyCheckFailed naming the task' {
        $err = { Test-MigrationTask gone -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'ConsistencyCheckFailed*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'gone'
        $err.Exception.Message | Should -Match "Task 'gone' could not be compared"
    }

    It 'warns that a task not run yet shows its objects as Missing, and an unknown name does not stop the others' {
        $out = Test-MigrationTask clean, no-such-task -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable err -ErrorAction SilentlyContinue
        $warned | Should -Match "Task 'clean' is Pending"
        Format-Differences (Get-Differences $out) | ForEach-Object { ($_ -split ' ')[0] } | Select-Object -Unique | Should -Be 'Missing'
        (Get-Summary $out).Missing | Should -Be 5
        @($err.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] }) | Sort-Object | Should -Be @('TaskNotConsistent', 'TaskNotFound')
    }
}

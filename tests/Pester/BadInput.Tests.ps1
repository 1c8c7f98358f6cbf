# Bad input gets a stable ErrorId, the right category, names the offending value and creates nothing.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace
    New-SourceTree -Path $ws.Source -Count 3
    $env:MSPMIGRATION_CONFIG = $ws.Config
    New-MigrationTask -Name existing -Source $ws.Source -Destination $ws.Destination | Out-Null
}
AfterAll {
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'New-MigrationTask rejects bad input' {
    It 'rejects an unknown scheme' {
        { New-MigrationTask -Name a -Source 'ftp://host/x' -Destination $ws.Destination } |
            Should -Throw -ErrorId 'UnknownStoreScheme,*'
        $err = $null
        try { New-MigrationTask -Name a -Source 'ftp://host/x' -Destination $ws.Destination } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'ftp://host/x'
        $err.Exception.Message | Should -Match "ftp"
    }

    It 'rejects a missing source directory' {
        $missing = Join-Path $ws.Root 'no-such-dir'
        $err = $null
        try { New-MigrationTask -Name b -Source $missing -Destination $ws.Destination } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SourceNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'rejects a duplicate task name' {
        $err = $null
        try { New-MigrationTask -Name existing -Source $ws.Source -Destination (Join-Path $ws.Root 'other') } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyExists,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be 'existing'
        (Get-MigrationTask existing).Destination | Should -Be "local://$($ws.Destination)"
    }

    It 'rejects an invalid task name' {
        { New-MigrationTask -Name 'bad*name' -Source $ws.Source -Destination $ws.Destination } | Should -Throw -ErrorId 'InvalidTaskName,*'
    }

    It 'rejects a destination equal to the source' {
        { New-MigrationTask -Name same -Source $ws.Source -Destination $ws.Source } | Should -Throw -ErrorId 'SourceDestinationOverlap,*'
    }

    It 'creates nothing when it rejects' {
        (Get-MigrationTask).Name | Should -Be @('existing')
    }

    It 'creates nothing under -WhatIf' {
        New-MigrationTask -Name whatif -Source $ws.Source -Destination $ws.Destination -WhatIf
        Get-MigrationTask -Name whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Commands that name a task reject an unknown name' {
    It '<Command> reports TaskNotFound' -ForEach @(
        @{ Command = 'Get-MigrationTask' }
        @{ Command = 'Get-MigrationStatus' }
        @{ Command = 'Export-FailedObjects' }
        @{ Command = 'Wait-MigrationTask' }
    ) {
        $err = $null
        try { & $Command -Name 'no-such-task' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'no-such-task'
    }
}

Describe 'Configuration errors' {
    It 'reports a missing agent.toml by path' {
        $path = Join-Path $ws.Root 'missing.toml'
        { Get-MigrationTask -ConfigPath $path } | Should -Throw -ErrorId 'ConfigNotFound,*'
    }

    It 'reports invalid TOML' {
        $path = Join-Path $ws.Root 'bad.toml'
        Set-Content -Path $path -Value "[agent`nname = "
        { Get-MigrationTask -ConfigPath $path } | Should -Throw -ErrorId 'ConfigInvalid,*'
    }
}

Describe 'Test-MigrationEndpoint on a directory that does not exist yet' {
    It 'answers with a result that says so, for a source or a destination, and creates nothing' {
        $missing = Join-Path $ws.Root 'not-yet'
        $r = Test-MigrationEndpoint $missing -Confirm:$false
        $r.IsHealthy | Should -BeFalse
        $r.CanList | Should -BeFalse
        $r.Problems.Count | Should -Be 1
        $r.Problems[0] | Should -Match ([regex]::Escape($missing))
        $r.Problems[0] | Should -Match 'does not exist'
        $r.Problems[0] | Should -Match 'created by the first copy'
        $r.Problems[0] | Should -Not -Match 'source directory'
        Test-Path $missing | Should -BeFalse
    }
}

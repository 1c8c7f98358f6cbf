# Objects flow between the cmdlets by property name, files are never overwritten by surprise,
# and -WhatIf names readable targets and changes nothing.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace -AgentName pipe-agent
    $env:MSPMIGRATION_CONFIG = $ws.Config
    New-OutcomeTasks -Workspace $ws
    Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
}
AfterAll {
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'Pipelines' {
    It 'Get-MigrationTask -State | Get-MigrationStatus' {
        $status = Get-MigrationTask -State Completed, CompletedWithFailures | Get-MigrationStatus
        ($status.TaskName | Sort-Object) | Should -Be @('clean', 'mixed')
        $status | ForEach-Object { $_ | Should -BeOfType MspMigration.MigrationStatus }
    }

    It 'Get-MigrationTask | Export-FailedObjects | Export-Csv' {
        $csv = Join-Path $ws.Root 'piped.csv'
        Get-MigrationTask mixed | Export-FailedObjects | Export-Csv -Path $csv
        (Import-Csv $csv).Key | Sort-Object | Should -Be @('broken/one', 'broken/two')
    }

    It 'Get-MigrationStatus | Export-FailedObjects binds TaskName' {
        (Get-MigrationStatus mixed | Export-FailedObjects).Key | Sort-Object | Should -Be @('broken/one', 'broken/two')
    }

    It 'task names by value' {
        ('clean', 'mixed' | Get-MigrationStatus).TaskName | Should -Be @('clean', 'mixed')
    }

    It 'CSV rows create tasks by property name, and only the piped tasks run' {
        $src = Join-Path $ws.Root 'src-rows'
        New-SourceTree -Path $src -Count 4
        @(
            [pscustomobject]@{ Name = 'row-a'; Source = $src; Destination = (Join-Path $ws.Root 'dst-row-a'); SameNamePolicy = 'Skip' }
            [pscustomobject]@{ Name = 'row-b'; Source = $src; Destination = (Join-Path $ws.Root 'dst-row-b'); SameNamePolicy = 'Overwrite' }
        ) | ConvertTo-Csv | ConvertFrom-Csv | New-MigrationTask | Out-Null
        (Get-MigrationTask row-a).SameNamePolicy | Should -Be 'Skip'
        $summary = Get-MigrationTask row-a | Start-MigrationAgent -ExitWhenIdle
        $summary.ObjectsSucceeded | Should -Be 4
        (Get-MigrationTask row-a).State | Should -Be 'Completed'
        (Get-MigrationTask row-b).State | Should -Be 'Pending'
    }

    It 'Get-MigrationAgent binds Name by property' {
        ([pscustomobject]@{ AgentName = 'pipe-agent' } | Get-MigrationAgent).Name | Should -Be 'pipe-agent'
    }
}

Describe 'Export-FailedObjects -Path' {
    BeforeAll { $file = Join-Path $ws.Root 'failed.csv' }

    It 'writes a file and nothing to the pipeline' {
        Export-FailedObjects mixed -Path $file | Should -BeNullOrEmpty
        (Import-Csv $file).Count | Should -Be 2
    }

    It 'refuses to overwrite without -Force' {
        Set-Content $file 'keep me'
        { Export-FailedObjects mixed -Path $file } | Should -Throw -ErrorId 'FileExists,*'
        Get-Content $file | Should -Be 'keep me'
    }

    It 'overwrites with -Force and passes the objects through with -PassThru' {
        $items = Export-FailedObjects mixed -Path $file -Force -PassThru
        $items.Count | Should -Be 2
        (Import-Csv $file).Count | Should -Be 2
    }

    It 'writes nothing under -WhatIf' {
        $whatIf = Join-Path $ws.Root 'whatif.json'
        Export-FailedObjects mixed -Path $whatIf -WhatIf
        Test-Path $whatIf | Should -BeFalse
    }
}

Describe '-WhatIf' {
    BeforeAll {
        $r = Invoke-Pwsh -Workspace $ws -Name whatif -Script @'
New-MigrationTask -Name preview -Source ./src -Destination ./dst -WhatIf
Export-FailedObjects mixed -Path ./preview.csv -WhatIf
Suspend-MigrationTask clean -WhatIf
Remove-MigrationTask clean -WhatIf
Start-MigrationAgent -AgentName preview-agent -TaskName clean -WhatIf | Out-Null
'@
    }

    It 'names each target readably' {
        $r.ExitCode | Should -Be 0
        $r.Output | Should -Match 'What if: Performing the operation "Create migration task ''preview''" on target ".*src -> .*dst"'
        $r.Output | Should -Match 'What if: Performing the operation "Suspend migration task" on target "clean"'
        $r.Output | Should -Match 'What if: Performing the operation "Remove migration task and its journal" on target "clean"'
        $r.Output | Should -Match 'What if: Performing the operation "Write 2 failed objects as CSV" on target ".*preview\.csv"'
    }

    It 'changes nothing' {
        Get-MigrationTask preview -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-MigrationAgent preview-agent | Should -BeNullOrEmpty
        (Get-MigrationTask clean).State | Should -Be 'Completed'
        Test-Path (Join-Path $ws.Root 'preview.csv') | Should -BeFalse
    }
}

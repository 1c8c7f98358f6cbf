# The default views, read as plain text: every type has a table and a list view, sizes and
# rates are readable, and a finished task's state is coloured only where colour is rendered.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace -AgentName view-agent
    $env:MSPMIGRATION_CONFIG = $ws.Config
    New-OutcomeTasks -Workspace $ws
    $summary = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
    $check = @(Test-MigrationTask mixed -ErrorAction SilentlyContinue)
    $savedRendering = $PSStyle.OutputRendering
    $savedNoColor = $env:NO_COLOR
    $PSStyle.OutputRendering = 'PlainText'
    $esc = [char]27

    function Show([Parameter(ValueFromPipeline)] $InputObject, [switch] $List) {
        begin { $items = [Collections.Generic.List[object]]::new() }
        process { $items.Add($InputObject) }
        end { if ($List) { $items | Format-List | Out-String -Width 200 } else { $items | Format-Table | Out-String -Width 200 } }
    }
}
AfterAll {
    $PSStyle.OutputRendering = $savedRendering
    $env:NO_COLOR = $savedNoColor
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'Table views' {
    It 'tasks' {
        $text = Get-MigrationTask | Show
        $text | Should -Match 'Name\s+State\s+Source\s+Destination'
        $text | Should -Match 'mixed\s+CompletedWithFailures\s+local://'
        $text | Should -Match 'gone\s+Failed\s+local://'
    }

    It 'status' {
        $text = Get-MigrationStatus clean, mixed | Show
        $text | Should -Match 'Task\s+State\s+Done\s+Failed\s+Transferred\s+Rate\s+Elapsed'
        $text | Should -Match 'clean\s+Completed\s+100 %\s+0\s+[\d.]+ KiB\s+[\d.]+ [KMG]?i?B/s\s+\d+:\d\d:\d\d'
        $text | Should -Match 'mixed\s+CompletedWithFailures\s+100 %\s+2\s'
    }

    It 'agents' {
        $text = Get-MigrationAgent | Show
        $text | Should -Match 'Name\s+Address\s+State\s+Roles\s+Objects/s\s+Rate\s+Heartbeat'
        $text | Should -Match 'view-agent\s.*\sStopped\s+0\s'
    }

    It 'failed objects' {
        $text = Export-FailedObjects mixed | Show
        $text | Should -Match 'Task\s+Key\s+Size\s+Tries\s+Reason\s+Error'
        $text | Should -Match 'mixed\s+broken/one\s+\d+ B\s+\d+\s+NotFound\s+Object'
    }

    It 'agent run summary' {
        $text = $summary | Show
        $text | Should -Match 'Agent\s+Succeeded\s+Skipped\s+Failed\s+Transferred\s+Segments\s+Elapsed\s+Cancelled'
        $text | Should -Match 'view-agent\s+10\s+0\s+2\s+[\d.]+ KiB\s+\d+\s+\d+:\d\d:\d\d\s+False'
    }
}

# A default table fits a terminal of 80 columns: no line runs past the width, every column of the
# view is shown (none dropped for want of room) and no header is folded over several lines.
Describe 'Table widths' {
    BeforeAll {
        $formatFile = Join-Path (Split-Path (Get-ModuleManifestPath)) 'MspMigration.Format.ps1xml'
        $views = ([xml](Get-Content -Raw $formatFile)).Configuration.ViewDefinitions.View | Where-Object { $_['TableControl'] }
        $samples = @{
            'MspMigration.MigrationTask'    = @(Get-MigrationTask)
            'MspMigration.MigrationStatus'  = @(Get-MigrationStatus clean, mixed, gone)
            'MspMigration.AgentInfo'        = @(Get-MigrationAgent)
            'MspMigration.FailedObject'     = @(Export-FailedObjects mixed)
            'MspMigration.AgentRunSummary'  = @($summary)
            'MspMigration.AgentTaskSummary' = @($summary.Tasks)
            'MspMigration.PlannedObject'    = @(Start-MigrationAgent -TaskName mixed -WhatIf)
            'MspMigration.ConsistencyDifference' = @($check | Where-Object { $_ -is [MspMigration.ConsistencyDifference] })
            'MspMigration.ConsistencySummary'    = @($check | Where-Object { $_ -is [MspMigration.ConsistencySummary] })
        }
        # Long names and big numbers must not push columns out either.
        $long = 'photos-of-the-whole-company-from-2019-to-2024-archive'
        $samples['MspMigration.MigrationStatus'] += [MspMigration.MigrationStatus]@{
            TaskName = $long; State = 'CompletedWithFailures'; Total = 123456789; Failed = 1234567; TransferredBytes = 1099511627775
            TotalBytes = 1099511627776; BytesPerSecond = 1073741823.9; Elapsed = [timespan]::FromHours(30.5); ListingComplete = $true
        }
        $samples['MspMigration.AgentRunSummary'] += [MspMigration.AgentRunSummary]@{
            AgentName = "agent-$long"; ObjectsSucceeded = 123456789; BytesTransferred = 1099511627775; Elapsed = [timespan]::FromHours(30.5)
        }
        $samples['MspMigration.AgentTaskSummary'] += [MspMigration.AgentTaskSummary]@{ TaskName = $long; Succeeded = 123456789; BytesTransferred = 1099511627775 }
        $samples['MspMigration.MigrationTask'] += [MspMigration.MigrationTask]@{
            Name = $long; State = 'CompletedWithFailures'; Source = "oss://$long/$long/"; Destination = "cos://$long-1250000000/$long/"
        }
        $samples['MspMigration.AgentInfo'] += [MspMigration.AgentInfo]@{
            Name = "agent-$long"; Address = '255.255.255.255'; State = 'Alive'; ObjectsPerSecond = 123456; BytesPerSecond = 1073741823.9
            Tasks = [MspMigration.AgentTaskRole[]]@([MspMigration.AgentTaskRole]@{ TaskName = $long; Role = 'Master' }, [MspMigration.AgentTaskRole]@{ TaskName = $long; Role = 'Worker' })
        }
        $samples['MspMigration.PlannedObject'] += [MspMigration.PlannedObject]@{ TaskName = $long; Key = "$long/$long.jpg"; Size = 1099511627775; Action = 'Overwrite'; Reason = "destination is older than the source: $long" }
        $samples['MspMigration.ConsistencyDifference'] += [MspMigration.ConsistencyDifference]@{ TaskName = $long; Key = "$long/$long.jpg"; Kind = 'ExtraAtDestination'; SourceSize = 1099511627775; DestinationSize = 1099511627775; Reason = "inside the task's prefix and filters: $long" }
        $samples['MspMigration.ConsistencySummary'] += [MspMigration.ConsistencySummary]@{ TaskName = $long; SourceObjects = 123456789; Consistent = 123456789; Missing = 1234567; SizeDiffers = 1234567; ContentDiffers = 12345678901; ExtraAtDestination = 123456; Unverifiable = 1234567890 }
        $samples['MspMigration.FailedObject'] += [MspMigration.FailedObject]@{ TaskName = $long; Key = "$long/$long/$long.jpg"; Size = 1099511627775; Attempts = 10; Error = "Access denied: $long" }
    }

    It 'has a sample of every table view' {
        foreach ($view in $views) { $samples.Keys | Should -Contain $view.ViewSelectedBy.TypeName }
    }

    It '<Type> at <Width> columns' -ForEach @(
        foreach ($width in 80, 120) {
            foreach ($type in 'MigrationTask', 'MigrationStatus', 'AgentInfo', 'FailedObject', 'AgentRunSummary', 'AgentTaskSummary', 'PlannedObject', 'ConsistencyDifference', 'ConsistencySummary') {
                @{ Type = $type; Width = $width }
            }
        }
    ) {
        $view = $views | Where-Object { $_.ViewSelectedBy.TypeName -eq "MspMigration.$Type" }
        $labels = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
        $objects = $samples["MspMigration.$Type"]
        $objects | Should -Not -BeNullOrEmpty
        $lines = @(($objects | Format-Table | Out-String -Width $Width) -split "`r?`n" | Where-Object { $_.Trim() })
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $Width -Because "'$line'" }
        $lines[1] | Should -Match '^[- ]+$' -Because "the header is one line: '$($lines[0])' then '$($lines[1])'"
        $header = $lines[0] -split '\s+' | Where-Object { $_ }
        $header | Should -Be $labels
        $lines.Count | Should -Be ($objects.Count + 2) -Because 'each object is one row'
    }
}

Describe 'Consistency views' {
    It 'differences and summary, table and list' {
        $text = $check | Where-Object { $_ -is [MspMigration.ConsistencyDifference] } | Show
        $text | Should -Match 'Kind\s+Key\s+SrcSize\s+DstSize\s+Reason'
        $text | Should -Match 'Missing\s+broken/one\s+\d+ B\s+-\s+its copy failed: '
        $text = $check | Where-Object { $_ -is [MspMigration.ConsistencySummary] } | Show
        $text | Should -Match 'Task\s+Objects\s+Consistent\s+Missing\s+SizeDiff\s+ContentDiff\s+Extra\s+Unverified'
        $text | Should -Match 'mixed\s+7\s+5\s+2\s+0\s+0\s+0\s+0'
        $list = $check | Where-Object { $_ -is [MspMigration.ConsistencySummary] } | Show -List
        $list | Should -Match 'VerifiedBy\s+: hash 0, journal 0, size and time 5, reading 0'
        $list | Should -Match 'IsConsistent\s+: False'
    }
}

Describe 'Dry-run view' {
    It 'table and list' {
        $plan = Start-MigrationAgent -TaskName mixed -WhatIf
        $text = $plan | Show
        $text | Should -Match 'Task\s+Action\s+Key\s+Size\s+Reason'
        $text | Should -Match 'mixed\s+(Copy|Overwrite|Skip)\s+\S'
        ($plan | Show -List) | Should -Match 'Size\s+: .+ \([\d,]+ bytes\)'
    }
}

Describe 'List views' {
    It 'tasks' {
        $text = Get-MigrationTask gone | Show -List
        $text | Should -Match 'StateReason\s+: Listing the source failed'
        $text | Should -Match 'Finished\s+: \S'
        $text | Should -Match 'Pass\s+: 1'
    }

    It 'status' {
        $text = Get-MigrationStatus mixed | Show -List
        $text | Should -Match 'Done\s+: 100\.0 %'
        $text | Should -Match 'Listing\s+: complete'
        $text | Should -Match 'Segments\s+: 1 of 1 done'
        $text | Should -Match 'Transferred\s+: [\d.]+ KiB of [\d.]+ KiB'
        $text | Should -Match 'Rate\s+: .+/s, [\d,]+ objects/s'
        $text | Should -Match 'Pass\s+: 1'
    }

    It 'agents' {
        $text = Get-MigrationAgent | Show -List
        $text | Should -Match 'ProcessId\s+: \d+'
        $text | Should -Match 'State\s+: Stopped'
        $text | Should -Match 'Throughput\s+: .+/s, [\d,]+ objects/s'
    }

    It 'failed objects' {
        $text = Export-FailedObjects mixed | Show -List
        $text | Should -Match 'Key\s+: broken/one'
        $text | Should -Match 'Reason\s+: NotFound'
        $text | Should -Match 'Error\s+: Object .broken/one. does not exist'
    }

    It 'agent run summary' {
        $text = $summary | Show -List
        $text | Should -Match 'Transferred\s+: [\d.]+ KiB \([\d,]+ bytes\)'
        $text | Should -Match 'Rate\s+: [\d.]+ (B|KiB|MiB|GiB)/s'
        $text | Should -Match 'Elapsed\s+: \d+:\d\d:\d\d\s'
        $text | Should -Match 'Tasks\s+: clean: 5 succeeded, 0 skipped, 0 failed, [\d.]+ KiB'
        $text | Should -Match 'mixed: 5 succeeded, 0 skipped, 2 failed, [\d.]+ KiB'
    }

    It 'a task of an agent run' {
        $text = $summary.Tasks | Where-Object TaskName -eq mixed | Show -List
        $text | Should -Match 'Failed\s+: 2'
        $text | Should -Match 'Transferred\s+: [\d.]+ KiB \([\d,]+ bytes\)'
    }

    It 'shows sizes, rates and times in human units while the properties stay numbers' {
        $status = Get-MigrationStatus clean
        $text = $status | Show -List
        $text | Should -Match 'Rate\s+: [\d.]+ (B|KiB|MiB|GiB)/s, [\d,]+ objects/s'
        $text | Should -Match 'Elapsed\s+: \d+:\d\d:\d\d\s'
        $text | Should -Not -Match '\d{6,}' -Because 'no raw byte counts or rates'
        $status.BytesPerSecond | Should -BeOfType [double]
        $status.TransferredBytes | Should -BeOfType [long]
        $status.Elapsed | Should -BeOfType [timespan]
        $summary.BytesTransferred | Should -BeOfType [long]
    }
}

Describe 'Colour' {
    It 'is absent from plain text' {
        $text = (Get-MigrationStatus clean, mixed, gone | Show) + (Get-MigrationTask | Show -List)
        $text | Should -Not -Match $esc
    }

    It 'marks finished states green, yellow and red where the host renders colour' {
        $PSStyle.OutputRendering = 'Ansi'
        $env:NO_COLOR = $null
        try {
            $text = Get-MigrationStatus clean, mixed, gone | Show
            $text | Should -Match "$esc\[32mCompleted$esc\[0m"
            $text | Should -Match "$esc\[33mCompletedWithFailures$esc\[0m"
            $text | Should -Match "$esc\[31mFailed$esc\[0m"
            (Get-MigrationTask mixed | Show -List) | Should -Match "$esc\[33mCompletedWithFailures"
        }
        finally { $PSStyle.OutputRendering = 'PlainText'; $env:NO_COLOR = $savedNoColor }
    }

    It 'is absent when NO_COLOR is set' {
        $PSStyle.OutputRendering = 'Ansi'
        $env:NO_COLOR = '1'
        try {
            $text = Get-MigrationStatus clean, mixed, gone | Show
            $text | Should -Not -Match "$esc\[3[123]m"
        }
        finally { $PSStyle.OutputRendering = 'PlainText'; $env:NO_COLOR = $savedNoColor }
    }
}

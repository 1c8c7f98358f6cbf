# The default views, read as plain text: every type has a table and a list view, sizes and
# rates are readable, and a finished task's state is coloured only where colour is rendered.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace -AgentName view-agent
    $env:MSPMIGRATION_CONFIG = $ws.Config
    New-OutcomeTasks -Workspace $ws
    $summary = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
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
        $text | Should -Match 'Name\s+State\s+Source\s+Destination\s+SameNamePolicy\s+MasterAgent\s+Created'
        $text | Should -Match 'mixed\s+CompletedWithFailures\s+local://'
        $text | Should -Match 'gone\s+Failed\s+local://'
    }

    It 'status' {
        $text = Get-MigrationStatus clean, mixed | Show
        $text | Should -Match 'Task\s+State\s+Done\s+Total\s+Succeeded\s+Skipped\s+Failed\s+Transferred\s+Rate\s+Elapsed'
        $text | Should -Match 'clean\s+Completed\s+100\.0 %\s+5\s+5\s+0\s+0\s+[\d.]+ KiB\s+[\d.]+ [KMG]?i?B/s\s+\d\d:\d\d:\d\d'
        $text | Should -Match 'mixed\s+CompletedWithFailures\s+100\.0 %\s+7\s+5\s+0\s+2\s'
    }

    It 'agents' {
        $text = Get-MigrationAgent | Show
        $text | Should -Match 'Name\s+Address\s+State\s+Roles\s+Segments\s+Objects/s\s+Rate\s+LastHeartbeat'
        $text | Should -Match 'view-agent\s.*\sStopped\s+0\s'
    }

    It 'failed objects' {
        $text = Export-FailedObjects mixed | Show
        $text | Should -Match 'Task\s+Key\s+Size\s+Attempts\s+Error'
        $text | Should -Match 'mixed\s+broken/one\s+\d+ B\s+\d+\s+Object'
    }

    It 'agent run summary' {
        $text = $summary | Show
        $text | Should -Match 'Agent\s+Succeeded\s+Skipped\s+Failed\s+Transferred\s+Segments\s+Elapsed\s+Cancelled'
        $text | Should -Match 'view-agent\s+10\s+0\s+2\s+[\d.]+ KiB\s+\d+\s+\d\d:\d\d:\d\d\s+False'
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
        $text | Should -Match 'Error\s+: Object .broken/one. does not exist'
    }

    It 'agent run summary' {
        $text = $summary | Show -List
        $text | Should -Match 'Transferred\s+: [\d.]+ KiB \([\d,]+ bytes\)'
        $text | Should -Match 'Rate\s+: .+/s'
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

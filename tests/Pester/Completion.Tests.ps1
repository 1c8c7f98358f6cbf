# Tab completion as a user gets it (TabExpansion2): task and agent names from the control plane,
# quoted when needed, enumerations, and nothing (no error, no control plane created) without one.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace -AgentName 'worker-1'
    New-SourceTree -Path $ws.Source -Count 3
    $env:MSPMIGRATION_CONFIG = $ws.Config
    New-MigrationTask -Name photos-2024 -Source $ws.Source -Destination $ws.Destination | Out-Null
    New-MigrationTask -Name photos-2025 -Source $ws.Source -Destination "$($ws.Destination)2" | Out-Null
    New-MigrationTask -Name 'logs archive' -Source $ws.Source -Destination "$($ws.Destination)3" | Out-Null
    Start-MigrationAgent -ExitWhenIdle -TaskName photos-2024 | Out-Null

    function Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}
AfterAll {
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'Task names complete' {
    It 'after <Line>' -ForEach @(
        @{ Line = 'Get-MigrationStatus -Name pho' }
        @{ Line = 'Get-MigrationStatus pho' }
        @{ Line = 'Get-MigrationTask -Name pho' }
        @{ Line = 'Export-FailedObjects -Name pho' }
        @{ Line = 'Start-MigrationAgent -TaskName pho' }
        @{ Line = 'Get-MigrationStatus -TaskName pho' }
    ) {
        Complete $Line | Should -Be @('photos-2024', 'photos-2025')
    }

    It 'quotes a name with a space' {
        Complete 'Get-MigrationStatus -Name logs' | Should -Be @("'logs archive'")
        Complete "Get-MigrationStatus -Name 'logs" | Should -Be @("'logs archive'")
    }

    It 'offers every task for an empty word, and honours wildcards' {
        Complete 'Get-MigrationStatus -Name ' | Should -Be @("'logs archive'", 'photos-2024', 'photos-2025')
        Complete 'Get-MigrationStatus -Name *2025' | Should -Be @('photos-2025')
    }

    It 'reads the control plane named by -ConfigPath on the command line' {
        $other = New-TestWorkspace
        try {
            Invoke-Pwsh -Workspace $other -Name make -Script "New-MigrationTask -Name elsewhere -Source ./src -Destination ./dst | Out-Null" | Out-Null
            Complete "Get-MigrationTask -ConfigPath '$($other.Config)' -Name " | Should -Be @('elsewhere')
            Push-Location $other.Root
            try { Complete 'Get-MigrationTask -ConfigPath ./agent.toml -Name ' | Should -Be @('elsewhere') }
            finally { Pop-Location }
        }
        finally { Remove-TestWorkspace $other }
    }
}

Describe 'Agent names complete' {
    It 'for <Line>' -ForEach @(
        @{ Line = 'Get-MigrationAgent -Name wor' }
        @{ Line = 'Start-MigrationAgent -AgentName wor' }
        @{ Line = 'New-MigrationTask -MasterAgent wor' }
    ) {
        Complete $Line | Should -Be @('worker-1')
    }
}

Describe 'Enumerations complete' {
    It 'task states' {
        Complete 'Get-MigrationTask -State Comp' | Should -Be @('Completed', 'CompletedWithFailures')
    }
    It 'same-name policies' {
        Complete 'New-MigrationTask -SameNamePolicy ' | Should -Be @('IfDifferent', 'IfSourceNewer', 'Overwrite', 'Skip')
    }
    It 'export formats' {
        Complete 'Export-FailedObjects -Format ' | Should -Be @('Csv', 'Json')
    }
}

Describe 'Without a control plane' {
    It 'offers nothing, writes no error and creates nothing' {
        $empty = New-TestWorkspace
        try {
            $Error.Clear()
            Complete "Get-MigrationStatus -ConfigPath '$($empty.Config)' -Name " | Should -BeNullOrEmpty
            Complete "Get-MigrationAgent -ConfigPath '$($empty.Config)' -Name " | Should -BeNullOrEmpty
            Test-Path (Join-Path $empty.Root 'controlplane.db') | Should -BeFalse
            Complete "Get-MigrationStatus -ConfigPath '$($empty.Root)/no-such.toml' -Name " | Should -BeNullOrEmpty
            $Error.Count | Should -Be 0
        }
        finally { Remove-TestWorkspace $empty }
    }
}

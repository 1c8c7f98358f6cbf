# Conventions every exported command keeps, checked over the module's exports so that cmdlets
# added later are held to them too: approved verbs, [OutputType], tasks taken by property name,
# and ShouldProcess on everything that changes state.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $module = Import-Module (Get-ModuleManifestPath) -Force -PassThru
    $commands = @($module.ExportedCommands.Values | ForEach-Object { @{ Command = $_.Name } })
}
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    # Verbs that only read or test; every other verb changes something.
    $readOnlyVerbs = 'Get', 'Test', 'Find', 'Search', 'Show', 'Measure', 'Compare', 'Resolve', 'Trace', 'Watch', 'Read', 'Wait', 'Format', 'ConvertTo', 'ConvertFrom', 'Select', 'Split', 'Join'
    $readersThatWrite = @('Test-MigrationEndpoint')
    # Commands about no one task; every other command takes one.
    $takesNoTask = @('Get-MigrationAgent', 'Test-MigrationEndpoint')
}

Describe '<Command>' -ForEach $commands {
    BeforeAll { $info = Get-Command $Command }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $info.Verb
    }

    It 'declares its output type' {
        $info.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'takes a task by property name (Name or TaskName)' {
        $task = $info.Parameters.Values | Where-Object { $_.Name -eq 'TaskName' -or $_.Aliases -contains 'TaskName' }
        if ($Command -in $takesNoTask) {
            $task | Should -BeNullOrEmpty -Because "$Command is listed as taking no task"
            return
        }
        $task | Should -Not -BeNullOrEmpty -Because "$Command must take a task (-TaskName) or be listed in `$takesNoTask"
        ($task.Aliases + $task.Name) | Should -Contain 'Name'
        $sets = @($info.ParameterSets | Where-Object { $_.Parameters.Name -contains $task.Name })
        $sets | Should -Not -BeNullOrEmpty
        foreach ($set in $sets) {
            ($set.Parameters | Where-Object Name -eq $task.Name).ValueFromPipelineByPropertyName | Should -BeTrue -Because "-$($task.Name) of $Command in set $($set.Name)"
        }
    }

    # Every verb that is not a reading one changes state and must take -WhatIf and -Confirm; a
    # reading verb takes them only when it writes on the side (Test-MigrationEndpoint's probe).
    It 'supports -WhatIf and -Confirm exactly when it changes state' {
        $changes = $info.Verb -notin $readOnlyVerbs -or $Command -in $readersThatWrite
        $info.Parameters.ContainsKey('WhatIf') | Should -Be $changes -Because "$Command $(if ($changes) { 'changes state' } else { 'only reads' })"
        $info.Parameters.ContainsKey('Confirm') | Should -Be $changes
    }
}

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
        if (-not $task -and $info.Noun -match 'Task|Status|Failed') { throw "$Command names a task but has no -TaskName parameter or alias" }
        foreach ($set in $info.ParameterSets) {
            $p = $set.Parameters | Where-Object Name -eq $task.Name
            if ($p) { $p.ValueFromPipelineByPropertyName | Should -BeTrue -Because "-$($task.Name) of $Command in set $($set.Name)" }
        }
        if ($task) { ($task.Aliases + $task.Name) | Should -Contain 'Name' }
    }

    # A reading verb may still change something on the side (a Test- that writes a probe object)
    # and then support -WhatIf too; every other verb must.
    It 'supports -WhatIf and -Confirm when it changes state' {
        if ($info.Verb -in $readOnlyVerbs) { return }
        $info.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $info.Parameters.ContainsKey('Confirm') | Should -BeTrue
    }
}

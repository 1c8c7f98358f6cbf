# Every exported command, including ones added later, has full help built from docs/cmdlets:
# synopsis, description, every parameter described and at least one example; the about topic
# exists; and the help generator fails the build when a page or a parameter is missing.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $module = Import-Module (Get-ModuleManifestPath) -Force -PassThru
    $commands = @($module.ExportedCommands.Values | ForEach-Object { @{ Command = $_.Name } })
}
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $module = Import-Module (Get-ModuleManifestPath) -Force -PassThru
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Help of <Command>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Command -Full
        $parameters = (Get-Command $Command).Parameters.Keys | Where-Object { $_ -notin $common }
    }

    It 'has a synopsis of its own' {
        # Without a help file, Get-Help makes the synopsis from the syntax.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape("$Command ["))
    }

    It 'has a description' {
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.Examples.Example) { $example.Code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        foreach ($name in $parameters) {
            $p = $help.Parameters.Parameter | Where-Object Name -eq $name
            $p | Should -Not -BeNullOrEmpty -Because "-$name must appear in the help of $Command"
            ($p.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name of $Command needs a description"
        }
    }

    It 'names its output type' {
        (Get-Command $Command).OutputType | Should -Not -BeNullOrEmpty
        @($help.ReturnValues.ReturnValue).Count | Should -BeGreaterThan 0
    }
}

Describe 'about_MspMigration' {
    It 'is found by Get-Help' {
        $text = Get-Help about_MspMigration | Out-String
        $text | Should -Match 'about_MspMigration'
        $text | Should -Match 'Start-MigrationAgent'
    }
}

Describe 'The help generator' {
    BeforeAll {
        $generator = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'build/New-MamlHelp.ps1'
        $docs = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'docs/cmdlets'
        $ws = New-TestWorkspace
        function Invoke-Generator([string] $DocsPath) {
            $out = Join-Path $ws.Root 'help.xml'
            Remove-Item $out -ErrorAction SilentlyContinue
            $r = Invoke-Pwsh -Workspace $ws -NoImport -AsUser -Name gen -Script "& '$generator' -ModulePath '$(Get-ModuleManifestPath)' -DocsPath '$DocsPath' -OutputPath '$out'"
            $r | Add-Member -NotePropertyName Written -NotePropertyValue (Test-Path $out) -PassThru
        }
    }
    AfterAll { Remove-TestWorkspace $ws }

    # One run with three faults: the generator reports every problem, not just the first.
    # (The build itself runs it on the real pages.)
    It 'fails, naming each problem, when a page, a parameter or an example is missing' {
        $partial = Join-Path $ws.Root 'broken-docs'
        Copy-Item $docs $partial -Recurse
        Remove-Item (Join-Path $partial 'Get-MigrationAgent.md')
        $page = Join-Path $partial 'Get-MigrationStatus.md'
        (Get-Content $page -Raw) -replace '(?s)### -Wait.*?(?=### )', '' | Set-Content $page
        $page = Join-Path $partial 'Get-MigrationTask.md'
        (Get-Content $page -Raw) -replace '(?s)## EXAMPLES.*?(?=## PARAMETERS)', "## EXAMPLES`n`n" | Set-Content $page
        $r = Invoke-Generator $partial
        $r.ExitCode | Should -Not -Be 0
        $r.Written | Should -BeFalse
        $r.Error | Should -Match 'Get-MigrationAgent is exported but has no help page'
        $r.Error | Should -Match 'Get-MigrationStatus.md: -Wait is not documented'
        $r.Error | Should -Match 'Get-MigrationTask.md: no example'
    }
}

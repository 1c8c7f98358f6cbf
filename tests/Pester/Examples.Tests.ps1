# Every PowerShell example in docs/cmdlets/*.md and docs/guide.md, run as a reader would paste it:
# in a fresh pwsh, the module imported by name, in a scratch folder with an agent.toml, source
# folders and the tasks the example expects (DocExamples.psm1 says how a page states them). An
# example passes when it exits as a user's session would (0, or 143 when it runs until stopped) and
# writes no error. Only examples that need a real cloud account are skipped, with the reason.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/DocExamples.psm1" -Force
    $docs = Resolve-Path "$PSScriptRoot/../../docs"
    $pages = @((Get-ChildItem "$docs/cmdlets/*.md").FullName) + "$docs/guide.md"
    $examples = @(Get-DocExample -Path $pages)
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/DocExamples.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    # Import-Module MspMigration by name, and pwsh on the PATH, as for a user who installed both.
    $saved = @{ PSModulePath = $env:PSModulePath; PATH = $env:PATH }
    $env:PSModulePath = "$repo/out$([IO.Path]::PathSeparator)$env:PSModulePath"
    $env:PATH = "$repo/.tools/pwsh$([IO.Path]::PathSeparator)$env:PATH"

    function New-ExampleScratch {
        $ws = New-TestWorkspace -AgentName agent-1
        foreach ($name in 'photos', 'videos') {
            New-SourceTree -Path "$($ws.Root)/data/$name" -Count 12 -MaxSize 8192
            New-SourceTree -Path "$($ws.Root)/data/$name/2024" -Count 3 -MaxSize 8192 -Seed 7
        }
        New-Item -ItemType Directory "$($ws.Root)/data/logs/app" | Out-Null
        Set-Content "$($ws.Root)/data/logs/app/today.log" 'log line'
        [IO.File]::WriteAllBytes("$($ws.Root)/data/logs/app/yesterday.log.gz", [byte[]](31, 139, 8, 0))
        New-SourceTree -Path "$($ws.Root)/src" -Count 3
        Set-Content "$($ws.Root)/list.txt" 'https://static.example.com/images/logo.png'
        # Pages name this file for an agent with its own configuration.
        foreach ($dir in 'opt/agent/conf', 'agent/conf') {
            New-Item -ItemType Directory "$($ws.Root)/$dir" | Out-Null
            Copy-Item $ws.Config "$($ws.Root)/$dir/agent.toml"
        }
        $ws
    }

    function Set-ExampleState($Workspace, [string] $Given, [string[]] $Tasks) {
        if ($Given -eq 'none') { return }
        $cfg = $Workspace.Config
        foreach ($t in $Tasks) {
            # Slow enough that the example meets the task running: about five seconds.
            $limit = if ($Given -eq 'running') { @{ BandwidthLimit = '16KB' } } else { @{} }
            New-MigrationTask -ConfigPath $cfg -Name $t -Source "$($Workspace.Root)/data/$t" -Destination "$($Workspace.Root)/backup/$t" @limit | Out-Null
        }
        $broken = "$($Workspace.Root)/data/$($Tasks[0])"
        if ($Given -in 'failures', 'fixed') { Add-BrokenObjects -Path $broken -Keys 'broken/one', 'broken/two' }
        if ($Given -eq 'paused') { $Tasks | Suspend-MigrationTask -ConfigPath $cfg }
        if ($Given -in 'done', 'failures', 'fixed', 'tampered') {
            Start-MigrationAgent -ConfigPath $cfg -TaskName $Tasks -ExitWhenIdle -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
            $expected = @($Tasks | ForEach-Object { 'Completed' })
            if ($Given -in 'failures', 'fixed') { $expected[0] = 'CompletedWithFailures' }
            @((Get-MigrationStatus -ConfigPath $cfg -Name $Tasks).State) | Should -Be $expected
        }
        if ($Given -eq 'tampered') {
            $copies = @(Get-ChildItem "$($Workspace.Root)/backup/$($Tasks[0])" -Recurse -File | Where-Object Length -gt 0)
            Remove-Item $copies[0].FullName
            [IO.File]::WriteAllBytes($copies[1].FullName, [byte[]](1, 2, 3))
        }
        if ($Given -eq 'fixed') {
            foreach ($k in 'broken/one', 'broken/two') { Remove-Item "$broken/$k"; Set-Content "$broken/$k" "repaired $k" }
        }
    }

    function Start-BackgroundAgent($Workspace) {
        Start-PwshProcess -Workspace $Workspace -Name background-agent -AsUser -Script 'Start-MigrationAgent -WarningAction SilentlyContinue | Out-Null'
    }
}

AfterAll {
    $env:PSModulePath = $saved.PSModulePath
    $env:PATH = $saved.PATH
}

Describe 'The documentation''s examples' {
    foreach ($example in $examples) {
        $skip = $example.Directives.skip
        It $example.Name -ForEach @(@{ Example = $example }) -Tag @(if ($skip) { "skip: $skip" }) -Skip:([bool]$skip) {
            $d = $Example.Directives
            $ws = New-ExampleScratch
            try {
                Set-ExampleState $ws $d.given $d.tasks
                $background = if ($d.agent -or $d.given -eq 'running') { Start-BackgroundAgent $ws }
                if ($d.given -eq 'running') {
                    Wait-Until -TimeoutSeconds 60 -Because 'the task running' { (Get-MigrationStatus -ConfigPath $ws.Config -Name $d.tasks[0]).State -eq 'Running' }
                }
                $code = ConvertTo-ScratchPath -Code $Example.Code -Root $ws.Root
                # An example stopped by SIGTERM ends with the agent's AgentStopped error; NormalView
                # prints each error's id on a line of its own, so that it alone can be allowed.
                $view = if ($d['stop-after']) { "`$ErrorView = 'NormalView'`n" } else { '' }
                $p = Start-PwshProcess -Workspace $ws -Name example -AsUser -NoImport -InputText $d.input -Script "${view}Import-Module MspMigration`n$code"
                if ($d['stop-after']) {
                    Start-Sleep -Seconds $d['stop-after']
                    $p.HasExited | Should -BeFalse -Because 'an example that runs until stopped must still run'
                    Send-Signal -ProcessId $p.Id -Signal TERM
                }
                $r = Wait-PwshProcess $p -TimeoutSeconds 120
                $errors = @($r.Error -split "`n" | Where-Object { $_.Trim() })
                if ($d['stop-after']) {
                    $r.ExitCode | Should -Be 143 -Because $r.Error
                    $ids = @($errors | Where-Object { $_ -match 'FullyQualifiedErrorId : ([^,\s]+)' } | ForEach-Object { $Matches[1] })
                    # None at all when the signal came before the agent began (a slow machine):
                    # .NET's own handling then ends the process with the same code.
                    @($ids | Where-Object { $_ -ne 'AgentStopped' }) | Should -BeNullOrEmpty -Because $r.Error
                    $errors = @()
                }
                else { $r.ExitCode | Should -Be 0 -Because "$code`n$($r.Error)" }
                $errors | Should -BeNullOrEmpty -Because $code
                if ($background) {
                    Send-Signal -ProcessId $background.Id -Signal TERM
                    (Wait-PwshProcess $background -TimeoutSeconds 60).ExitCode | Should -Be 143
                }
            }
            finally {
                if ($background -and -not $background.HasExited) { $background.Kill($true) }
                Remove-TestWorkspace $ws
            }
        }
    }
}

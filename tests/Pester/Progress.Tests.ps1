# Progress records as a host receives them (a runspace's Progress stream): one bar per task with
# objects, bytes, rate and time left, under the agent's bar; a Completed record for every bar;
# none at all when $ProgressPreference or -ProgressAction says SilentlyContinue.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $manifest = Get-ModuleManifestPath

    function Invoke-InRunspace([string] $Script, $Workspace) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Set-Location '$($Workspace.Root)'; `$env:MSPMIGRATION_CONFIG = '$($Workspace.Config)'; Import-Module '$manifest'; $Script")
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = $output; Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error) }
        }
        finally { $ps.Dispose() }
    }

    function Assert-AllCompleted($Records) {
        # The last record of every activity closes it, so no bar is left on screen.
        foreach ($group in $Records | Group-Object ActivityId) {
            $group.Group[-1].RecordType | Should -Be 'Completed' -Because "activity $($group.Name) must end with a Completed record"
        }
    }
}

Describe 'Start-MigrationAgent progress' {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 1
        New-SourceTree -Path $ws.Source -Count 1500 -MaxSize 4096
        New-SourceTree -Path "$($ws.Root)/small" -Count 100 -MaxSize 4096
        $run = Invoke-InRunspace -Workspace $ws -Script @'
New-MigrationTask -Name bars -Source ./src -Destination ./dst | Out-Null
Start-MigrationAgent -ExitWhenIdle
'@
        $tasks = $run.Progress | Where-Object Activity -eq 'Migration task bars'
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'finishes the migration' {
        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].ObjectsSucceeded | Should -Be 1500
    }

    It 'shows a bar for the task under the agent''s bar' {
        $agent = $run.Progress | Where-Object Activity -like 'Migration agent *'
        $agent | Should -Not -BeNullOrEmpty
        $processing = $tasks | Where-Object RecordType -eq 'Processing'
        $processing | Should -Not -BeNullOrEmpty
        $processing | ForEach-Object { $_.ParentActivityId | Should -Be $agent[0].ActivityId }
    }

    It 'tells objects, bytes, rate, percent and time left' {
        $records = $tasks | Where-Object RecordType -eq 'Processing'
        $records | ForEach-Object { $_.StatusDescription | Should -Match '^\w+: [\d,]+ of [\d,]+\+? objects \(\d+ failed\), [\d.]+ [KM]?i?B( of [\d.]+ [KM]?i?B)?, [\d.]+ [KM]?i?B/s, [\d,]+ objects/s$' }
        # Once the listing is complete the total is known, and so is the time left.
        $record = $records | Where-Object StatusDescription -match 'of 1,500 objects' | Select-Object -Last 1
        if (-not $record) { Set-ItResult -Inconclusive -Because 'the run ended before a record with the full total'; return }
        $record.StatusDescription | Should -Match 'of [\d.]+ [KM]iB'
        $record.PercentComplete | Should -BeGreaterOrEqual 0
        $record.PercentComplete | Should -BeLessOrEqual 100
        $record.SecondsRemaining | Should -BeGreaterOrEqual 0
    }

    It 'closes every bar' {
        Assert-AllCompleted $run.Progress
        ($tasks | Where-Object RecordType -eq 'Completed')[0].StatusDescription | Should -Be 'Completed'
    }

    It 'writes no progress under <Setting>' -ForEach @(
        @{ Setting = '$ProgressPreference'; Script = "`$ProgressPreference = 'SilentlyContinue'; Start-MigrationAgent -ExitWhenIdle" }
        @{ Setting = '-ProgressAction'; Script = 'Start-MigrationAgent -ExitWhenIdle -ProgressAction SilentlyContinue' }
    ) {
        # An agent with progress on draws a task's bar as soon as it takes the task up, so a
        # short run is enough to show that none is drawn.
        $dst = "./dst-quiet-$([Guid]::NewGuid().ToString('N'))"
        $r = Invoke-InRunspace -Workspace $ws -Script "New-MigrationTask -Name quiet-$(Get-Random) -Source ./small -Destination $dst | Out-Null; $Script"
        $r.Output[0].ObjectsSucceeded | Should -Be 100
        $r.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Get-MigrationStatus -Wait progress' {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 1
        New-SourceTree -Path $ws.Source -Count 1200 -MaxSize 4096
        New-Item -ItemType Directory -Path "$($ws.Root)/src2" | Out-Null
        New-SourceTree -Path "$($ws.Root)/src2" -Count 150 -MaxSize 4096
        Invoke-Pwsh -Workspace $ws -Name create -Script @'
New-MigrationTask -Name first -Source ./src -Destination ./dst | Out-Null
New-MigrationTask -Name second -Source ./src2 -Destination ./dst2 | Out-Null
'@ | Out-Null
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle -ProgressAction SilentlyContinue | Out-Null'
        $run = Invoke-InRunspace -Workspace $ws -Script 'Get-MigrationTask | Get-MigrationStatus -Wait -PollIntervalSeconds 1'
        $agentResult = Wait-PwshProcess $agent
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'waits until each task has finished and writes its status' {
        $agentResult.ExitCode | Should -Be 0
        $run.Errors | Should -BeNullOrEmpty
        ($run.Output | Sort-Object TaskName).State | Should -Be @('Completed', 'Completed')
    }

    It 'shows one bar per task, and closes each' {
        $activities = $run.Progress.Activity | Sort-Object -Unique
        $activities | Should -Be @('Migration task first', 'Migration task second')
        ($run.Progress | Select-Object -ExpandProperty ActivityId -Unique).Count | Should -Be 2
        Assert-AllCompleted $run.Progress
    }

    It 'tells progress while it waits' {
        $processing = $run.Progress | Where-Object { $_.RecordType -eq 'Processing' -and $_.Activity -eq 'Migration task first' }
        $processing | Should -Not -BeNullOrEmpty
        $processing[-1].StatusDescription | Should -Match 'of [\d,]+\+? objects \(\d+ failed\)'
    }
}

Describe 'Progress of a secondary pass' {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 1
        New-SourceTree -Path $ws.Source -Count 400 -MaxSize 4096
        $first = Invoke-Pwsh -Workspace $ws -Name first -Script @'
New-MigrationTask -Name again -Source ./src -Destination ./dst | Out-Null
Start-MigrationAgent -ExitWhenIdle -ProgressAction SilentlyContinue | Out-Null
Get-ChildItem -Recurse -File ./src | Sort-Object FullName | Select-Object -First 300 | ForEach-Object { [IO.File]::AppendAllText($_.FullName, 'changed') }
Restart-MigrationTask again -Incremental | Out-Null
'@
        # The bar is watched from before any agent lists the pass: the whole task is then 400 of 400 done.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Set-Location '$($ws.Root)'; `$env:MSPMIGRATION_CONFIG = '$($ws.Config)'; Import-Module '$manifest'; Get-MigrationStatus again -Wait -PollIntervalSeconds 1")
        $async = $ps.BeginInvoke()
        Wait-Until { @($ps.Streams.Progress).Count -ge 2 } -TimeoutSeconds 60 | Out-Null
        $before = @($ps.Streams.Progress)
        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle -ProgressAction SilentlyContinue | Out-Null'
        $agentResult = Wait-PwshProcess $agent
        $run = [pscustomobject]@{ Output = $ps.EndInvoke($async); Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error) }
        $ps.Dispose()
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'tells how far the pass got beside the whole task' {
        $first.Error | Should -BeNullOrEmpty
        $agentResult.ExitCode | Should -Be 0
        $run.Output.State | Should -Be 'Completed'
        ($run.Output.PassTotal, $run.Output.PassSucceeded, $run.Output.Total) | Should -Be @(300, 300, 400)
        # Before the pass lists anything its bar is not full: how much of the pass is done is not known yet.
        $before | Should -Not -BeNullOrEmpty
        $before | ForEach-Object {
            $_.StatusDescription | Should -Match '^Running: pass 2: 0 of 0\+; 400 of 400\+? objects \(0 failed\)'
            $_.PercentComplete | Should -Be -1
        }
        $processing = @($run.Progress | Where-Object RecordType -eq 'Processing')
        $processing | Should -Not -BeNullOrEmpty
        $processing | ForEach-Object { $_.StatusDescription | Should -Match '^\w+: pass 2: [\d,]+ of [\d,]+\+?; [\d,]+ of [\d,]+\+? objects \(\d+ failed\)' }
    }
}

# Status for everyone: Get-MigrationStatus without a name lists every task, and an agent's run
# summary counts only verified bytes, task by task, so that it agrees with the tasks' status.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $ws = New-TestWorkspace -AgentName summary-agent
    New-SourceTree -Path (Join-Path $ws.Root 'src-a') -Count 6
    New-SourceTree -Path (Join-Path $ws.Root 'src-b') -Count 4 -Seed 7
    Add-BrokenObjects -Path (Join-Path $ws.Root 'src-b')
    if ($IsLinux) {
        # Listed with a size of 0 but read as a few KiB: every attempt reads bytes and then fails
        # verification, so bytes of failed attempts would show in a count that includes them.
        New-Item -ItemType Directory -Path (Join-Path $ws.Root 'src-b/proc') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $ws.Root 'src-b/proc/cpuinfo') -Target /proc/cpuinfo | Out-Null
    }
    $run = Invoke-Pwsh -Workspace $ws -Name run -Script @'
New-MigrationTask -Name alpha -Source ./src-a -Destination ./dst-a | Out-Null
New-MigrationTask -Name beta -Source ./src-b -Destination ./dst-b | Out-Null
$summary = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
@{ Summary = $summary; Status = @(Get-MigrationStatus alpha, beta) } | ConvertTo-Json -Depth 4 -Compress -EnumsAsStrings
'@
    $result = $run.Output | ConvertFrom-Json
}
AfterAll { Remove-TestWorkspace $ws }

Describe 'Get-MigrationStatus without a name' {
    It 'returns every task, in a script that cannot prompt' {
        $r = Invoke-Pwsh -Workspace $ws -AsUser -Name all -Script 'Get-MigrationStatus | ForEach-Object TaskName'
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        ($r.Output.Trim() -split "`r?`n") | Sort-Object | Should -Be @('alpha', 'beta')
    }

    It 'returns nothing and no error when there is no task yet' {
        $empty = New-TestWorkspace
        try {
            Invoke-Pwsh -Workspace $empty -Name make -Script 'New-MigrationTask -Name tmp -Source ./src -Destination ./dst | Out-Null; Remove-MigrationTask tmp -Force' | Out-Null
            $r = Invoke-Pwsh -Workspace $empty -AsUser -Name none -Script '@(Get-MigrationStatus).Count'
            $r.Error | Should -BeNullOrEmpty
            $r.Output.Trim() | Should -Be '0'
        }
        finally { Remove-TestWorkspace $empty }
    }
}

Describe 'The agent run summary' {
    It 'ran' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $result.Summary.ObjectsFailed | Should -BeGreaterOrEqual 2
    }

    It 'counts only verified bytes: what the tasks say was transferred' {
        $verified = ($result.Status | Measure-Object TransferredBytes -Sum).Sum
        $verified | Should -BeGreaterThan 0
        $result.Summary.BytesTransferred | Should -Be $verified
    }

    It 'breaks the run down by task' {
        $tasks = @($result.Summary.Tasks | Sort-Object TaskName)
        $tasks.TaskName | Should -Be @('alpha', 'beta')
        foreach ($t in $tasks) {
            $status = $result.Status | Where-Object TaskName -eq $t.TaskName
            $t.Succeeded | Should -Be $status.Succeeded -Because $t.TaskName
            $t.Skipped | Should -Be $status.Skipped -Because $t.TaskName
            $t.Failed | Should -Be $status.Failed -Because $t.TaskName
            $t.BytesTransferred | Should -Be $status.TransferredBytes -Because $t.TaskName
        }
        ($tasks | Measure-Object Succeeded -Sum).Sum | Should -Be $result.Summary.ObjectsSucceeded
        ($tasks | Measure-Object Failed -Sum).Sum | Should -Be $result.Summary.ObjectsFailed
    }
}

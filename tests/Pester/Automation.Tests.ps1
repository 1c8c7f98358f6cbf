# In automation (pwsh -NonInteractive -Command, nothing on standard input) a migration that did
# not succeed completely gives a non-zero exit code with the reason on stderr, and nothing prompts.
# Start-MigrationAgent reports each task that finished unclean as a non-terminating error with a
# stable ErrorId; -ErrorAction Stop makes it terminating.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace
    $env:MSPMIGRATION_CONFIG = $ws.Config
    foreach ($suffix in '', '-stop', '-inproc', '-default') { New-OutcomeTasks -Workspace $ws -Suffix $suffix }

    function Invoke-Automation([string] $Script) {
        Invoke-Pwsh -Workspace $ws -AsUser -TimeoutSeconds 120 -Name auto -Script $Script
    }
}
AfterAll {
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'pwsh -NonInteractive -Command' {
    It 'exits 0 when every task completed' {
        $r = Invoke-Automation 'Start-MigrationAgent -ExitWhenIdle -TaskName clean'
        $r.ExitCode | Should -Be 0
        $r.Error | Should -BeNullOrEmpty
    }

    It 'exits 1 with the reason on stderr when a task completed with failures' {
        $r = Invoke-Automation 'Start-MigrationAgent -ExitWhenIdle -TaskName mixed -WarningAction SilentlyContinue'
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match "Task 'mixed' completed with 2 failed objects of 7"
        $r.Output | Should -Match 'test-agent\s+5\s+0\s+2\s' -Because 'the run summary is still written'
    }

    It 'exits 1 with the reason on stderr when a task failed' {
        $r = Invoke-Automation 'Start-MigrationAgent -ExitWhenIdle -TaskName gone -WarningAction SilentlyContinue | Out-Null'
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match "Task 'gone' failed: Listing the source failed: Directory .* does not exist"
    }

    It 'stops the script under -ErrorAction Stop' {
        $r = Invoke-Automation "Start-MigrationAgent -ExitWhenIdle -TaskName mixed-stop, clean-stop -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null; 'not reached'"
        $r.ExitCode | Should -Be 1
        $r.Output | Should -Not -Match 'not reached'
        $r.Error | Should -Match "Task 'mixed-stop' completed with 2 failed objects"
    }

    It 'exits 1 on a terminating error' {
        $r = Invoke-Automation 'Start-MigrationAgent -ConfigPath ./no-such.toml -ExitWhenIdle'
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match 'no-such.toml. does not exist'
    }

    It 'does not prompt for <What>' -ForEach @(
        @{ What = 'a missing mandatory parameter'; Script = 'Get-MigrationStatus'; Reason = 'missing mandatory parameters: Name' }
        @{ What = 'an existing export file'; Script = "Set-Content ./exists.csv x; Export-FailedObjects mixed -Path ./exists.csv"; Reason = 'already exists; use -Force' }
        # High impact asks for confirmation; non-interactive, that is an error, and -Force is the way.
        @{ What = 'removing a task without -Force'; Script = 'Remove-MigrationTask clean-default'; Reason = 'add -Force (or -Confirm:$false)' }
    ) {
        $r = Invoke-Automation $Script
        $r.ExitCode | Should -Be 1
        $r.Error | Should -Match ([regex]::Escape($Reason))
    }

    It 'removes a task with -Force' {
        $r = Invoke-Automation 'Remove-MigrationTask clean-default -Force'
        $r.ExitCode | Should -Be 0
        $r.Error | Should -BeNullOrEmpty
        Get-MigrationTask clean-default -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Errors for tasks that finished unclean' {
    It 'TaskCompletedWithFailures, InvalidResult, the task as target' {
        $err = $null
        try { Start-MigrationAgent -ExitWhenIdle -TaskName mixed-inproc -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskCompletedWithFailures,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidResult'
        $err.TargetObject | Should -Be 'mixed-inproc'
    }

    It 'TaskFailed, OperationStopped, the task as target' {
        { Start-MigrationAgent -ExitWhenIdle -TaskName gone-inproc -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'TaskFailed,MspMigration.Cmdlets.Commands.StartMigrationAgentCommand'
        (Get-MigrationStatus gone-inproc).State | Should -Be 'Failed'
    }

    It 'non-terminating by default: the summary is returned and $? is false' {
        $summary = Start-MigrationAgent -ExitWhenIdle -TaskName mixed-default -WarningAction SilentlyContinue -ErrorVariable problems -ErrorAction SilentlyContinue
        $ok = $?
        $ok | Should -BeFalse
        $summary | Should -BeOfType MspMigration.AgentRunSummary
        $problems.Count | Should -Be 1
    }

    It 'reports a task only in the run that finished it' {
        Start-MigrationAgent -ExitWhenIdle -TaskName mixed-default -ErrorVariable problems | Out-Null
        $problems | Should -BeNullOrEmpty
    }
}

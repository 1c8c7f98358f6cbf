# A local source file rewritten in place while the agent copies it. The CRC-64 is of the bytes
# read, so it cannot see a copy made of half the old file and half the new: the store must.
# The destination is one whole version, byte for byte, or the object fails as changed.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Get-Sha256([byte[]] $Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    function Get-StagedLength($Workspace) {
        # Bytes written so far to the staged copy (the destination's staging folder).
        $staged = @(Get-ChildItem -Recurse -File -Force -LiteralPath $Workspace.Destination -ErrorAction SilentlyContinue |
            Where-Object FullName -like '*.mspmigration-tmp*')
        if ($staged.Count) { ($staged | Measure-Object Length -Maximum).Maximum } else { 0 }
    }
}

Describe 'A local source file rewritten in place during its copy' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 2
        $size = 96MB
        $rng = [Random]::new(7)
        $old = [byte[]]::new($size); $rng.NextBytes($old)
        $new = [byte[]]::new($size); $rng.NextBytes($new)
        [IO.File]::WriteAllBytes("$($ws.Source)/big.bin", $old)
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name torn -Source $ws.Source -Destination $ws.Destination -BandwidthLimit 24MB | Out-Null

        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        Wait-Until -TimeoutSeconds 120 -Because 'the copy to be a quarter done' { (Get-StagedLength $ws) -ge $size / 4 -or $agent.HasExited }
        # In place: same file, same inode, every byte rewritten while the copy is between the two.
        $f = [IO.File]::Open("$($ws.Source)/big.bin", 'Open', 'Write', 'ReadWrite')
        try { $f.Write($new, 0, $new.Length) } finally { $f.Dispose() }
        $stagedAfterRewrite = Get-StagedLength $ws
        $run = Wait-PwshProcess -Process $agent -TimeoutSeconds 300
        $status = Get-MigrationStatus torn
        $failed = @(Export-FailedObjects -Name torn)
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'was rewritten while the copy was in flight' {
        $stagedAfterRewrite | Should -BeGreaterThan 0
        $stagedAfterRewrite | Should -BeLessThan $size
    }

    It 'leaves one whole version at the destination, or fails the object as changed' {
        $run.ExitCode | Should -Be 0
        if ($status.Succeeded -eq 1) {
            $copy = Get-Sha256 ([IO.File]::ReadAllBytes("$($ws.Destination)/big.bin"))
            $copy | Should -BeIn @((Get-Sha256 $old), (Get-Sha256 $new)) -Because 'a copy must be one version, never a mix'
        } else {
            $failed.Count | Should -Be 1
            $failed[0].Error | Should -Match 'changed while'
            Test-Path "$($ws.Destination)/big.bin" | Should -BeFalse
        }
    }

    It 'copies the new version on a later attempt and records it' {
        $status.Succeeded | Should -Be 1
        Get-Sha256 ([IO.File]::ReadAllBytes("$($ws.Destination)/big.bin")) | Should -Be (Get-Sha256 $new)
        $status.TransferredBytes | Should -Be $size
    }
}

Describe 'A local source file that keeps changing during every attempt' -Tag 'skip: no POSIX signals on Windows' -Skip:$IsWindows {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 1 -AgentSettings @{ max_attempts = 3 }
        $size = 6MB
        $bytes = [byte[]]::new($size); [Random]::new(9).NextBytes($bytes)
        [IO.File]::WriteAllBytes("$($ws.Source)/busy.bin", $bytes)
        [IO.File]::WriteAllBytes("$($ws.Source)/quiet.bin", [byte[]]::new(1000))
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name busy -Source $ws.Source -Destination $ws.Destination -BandwidthLimit 3MB | Out-Null

        $agent = Start-PwshProcess -Workspace $ws -Name agent -Script 'Start-MigrationAgent -ExitWhenIdle | Out-Null'
        # A writer that touches a few bytes in the middle twice a second until the agent is done.
        $patch = [byte[]]::new(4096)
        $n = 0
        while (-not $agent.HasExited) {
            $f = [IO.File]::Open("$($ws.Source)/busy.bin", 'Open', 'Write', 'ReadWrite')
            try { $f.Position = 3MB; $patch[0] = [byte]($n++ % 256); $f.Write($patch, 0, $patch.Length) } finally { $f.Dispose() }
            Start-Sleep -Milliseconds 500
        }
        $run = Wait-PwshProcess -Process $agent -TimeoutSeconds 300
        $status = Get-MigrationStatus busy
        $failed = @(Export-FailedObjects -Name busy)
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'fails the object as changed after its attempts, and writes nothing under its name' {
        $run.ExitCode | Should -Be 1 -Because 'a task completed with failures ends the agent with 1'
        $run.Error | Should -Match "Task 'busy' completed with 1 failed objects"
        $status.Succeeded | Should -Be 1
        $status.Failed | Should -Be 1
        $failed.Count | Should -Be 1
        $failed[0].Key | Should -Be 'busy.bin'
        $failed[0].Error | Should -Match 'changed while'
        $failed[0].Attempts | Should -Be 3
        Test-Path "$($ws.Destination)/busy.bin" | Should -BeFalse
    }
}

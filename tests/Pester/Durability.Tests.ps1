# Succeeded means durable: every file the agent reports written to a local destination was flushed
# to disk (its data before the rename that names it, its folder entry after) before the outcome was
# recorded. Seen from outside with strace: the system calls, in the order the kernel got them.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $script:Strace = (Get-Command strace -ErrorAction SilentlyContinue)?.Source

    function Read-Trace([string] $Path) {
        # strace -f -y lines as events: pid, call, the text of its arguments, and the indexes of the
        # lines where it started and ended (a call another thread interrupts is split in two lines).
        $events = [Collections.Generic.List[object]]::new()
        $open = @{}
        $i = 0
        foreach ($line in [IO.File]::ReadLines($Path)) {
            $i++
            if ($line -match '^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$') {
                $e = $open["$($Matches[1]):$($Matches[2])"]
                if ($e) { $e.End = $i; $e.Args += $Matches[3]; $open.Remove("$($Matches[1]):$($Matches[2])") }
            } elseif ($line -match '^(\d+)\s+(\w+)\((.*)$') {
                $e = [pscustomobject]@{ Pid = $Matches[1]; Call = $Matches[2]; Args = $Matches[3]; Start = $i; End = $i }
                if ($line.EndsWith('<unfinished ...>')) { $open["$($e.Pid):$($e.Call)"] = $e; $e.End = [int]::MaxValue }
                $events.Add($e)
            }
        }
        $events
    }
}

Describe 'Files written to a local destination are on disk before they are recorded as Succeeded' -Tag 'skip: not Linux' -Skip:(-not $IsLinux) {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 4
        New-SourceTree -Path $ws.Source -Count 150 -MaxSize 8192
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name durable -Source $ws.Source -Destination $ws.Destination | Out-Null
        if ($script:Strace) {
            $pwshDll = Get-ChildItem "$PSScriptRoot/../../.tools/pwsh/.store" -Recurse -Filter pwsh.dll |
                Where-Object FullName -match '/unix/' | Select-Object -First 1 -ExpandProperty FullName
            $trace = Join-Path $ws.Root 'trace.txt'
            $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-ModuleManifestPath)'; Start-MigrationAgent -ExitWhenIdle | Out-Null"
            Push-Location $ws.Root
            try {
                & $script:Strace -f -y -qq -s 400 -o $trace -e trace=fsync,fdatasync,syncfs,rename,renameat,renameat2,write,pwrite64 `
                    dotnet $pwshDll -NoProfile -NonInteractive -Command $command 2>&1 | Out-Null
                $exit = $LASTEXITCODE
            } finally { Pop-Location }
            $events = Read-Trace $trace
            $dst = (Resolve-Path $ws.Destination).Path
        }
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'copies everything under strace' {
        if (-not $script:Strace) { Set-ItResult -Skipped -Because 'strace is not installed (apt-get install strace)'; return }
        $exit | Should -Be 0
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
        (Get-MigrationStatus durable).Succeeded | Should -Be 150
    }

    It 'flushed each file''s data before renaming it into place, and its folder before recording it' {
        if (-not $script:Strace) { Set-ItResult -Skipped -Because 'strace is not installed (apt-get install strace)'; return }
        $flushes = @($events | Where-Object { $_.Call -in 'fsync', 'fdatasync' -and $_.Args -match '^\d+<([^>]*)>' } |
            ForEach-Object { [pscustomobject]@{ Path = ($_.Args -replace '^\d+<([^>]*)>.*$', '$1'); Start = $_.Start; End = $_.End; Pid = $_.Pid } })
        $syncfs = @($events | Where-Object Call -eq 'syncfs')
        $renames = @($events | Where-Object { $_.Call -like 'rename*' } | ForEach-Object {
                $paths = [regex]::Matches($_.Args, '"((?:[^"\\]|\\.)*)"') | ForEach-Object { $_.Groups[1].Value }
                [pscustomobject]@{ From = $paths[0]; To = $paths[1]; Start = $_.Start; End = $_.End; Pid = $_.Pid }
            })
        $logged = @($events | Where-Object { $_.Call -in 'write', 'pwrite64' -and $_.Args -match '^\d+<[^>]*transfers\.log>' })
        $logged.Count | Should -Be 150 -Because 'each file written is logged once'
        $problems = [Collections.Generic.List[string]]::new()
        foreach ($w in $logged) {
            # The key is the last tab-separated field of the log line, JSON-encoded.
            $key = ($w.Args -replace '^.*\\t\\"(.*)\\"\\n".*$', '$1')
            $final = "$dst/$key"
            $rename = $renames | Where-Object { $_.To -eq $final -and $_.End -lt $w.Start } | Select-Object -Last 1
            if (-not $rename) { $problems.Add("no rename to $key before it was logged"); continue }
            $data = $flushes | Where-Object { $_.Path -eq $rename.From -and $_.End -lt $rename.Start }
            if (-not $data) { $problems.Add("data of $key not flushed before its rename") }
            $folder = Split-Path $final
            $entry = @($flushes | Where-Object { $_.Path -eq $folder -and $_.Start -gt $rename.End -and $_.End -lt $w.Start }) +
                @($syncfs | Where-Object { $_.Start -gt $rename.End -and $_.End -lt $w.Start })
            if (-not $entry) { $problems.Add("folder of $key not flushed between its rename and its record") }
        }
        $problems | Select-Object -First 10 | Should -BeNullOrEmpty
    }
}

Describe 'fsync = false in agent.toml' -Tag 'skip: not Linux' -Skip:(-not $IsLinux) {
    BeforeAll {
        $ws = New-TestWorkspace -Concurrency 2 -AgentSettings @{ fsync = 'false' }
        New-SourceTree -Path $ws.Source -Count 20 -MaxSize 4096
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-MigrationTask -Name scratch -Source $ws.Source -Destination $ws.Destination | Out-Null
        if ($script:Strace) {
            $pwshDll = Get-ChildItem "$PSScriptRoot/../../.tools/pwsh/.store" -Recurse -Filter pwsh.dll |
                Where-Object FullName -match '/unix/' | Select-Object -First 1 -ExpandProperty FullName
            $trace = Join-Path $ws.Root 'trace.txt'
            $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-ModuleManifestPath)'; Start-MigrationAgent -ExitWhenIdle | Out-Null"
            & $script:Strace -f -y -qq -o $trace -e trace=fsync,fdatasync,syncfs dotnet $pwshDll -NoProfile -NonInteractive -Command $command 2>&1 | Out-Null
            $exit = $LASTEXITCODE
            $events = Read-Trace $trace
            $dst = (Resolve-Path $ws.Destination).Path
        }
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'copies without flushing the destination' {
        if (-not $script:Strace) { Set-ItResult -Skipped -Because 'strace is not installed (apt-get install strace)'; return }
        $exit | Should -Be 0
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
        @($events | Where-Object { $_.Args -like "*<$dst*" }) | Should -BeNullOrEmpty
    }
}

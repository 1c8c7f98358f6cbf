# Shared helpers for the Pester suites: workspaces, seeded source trees, tree comparison and
# agents run as separate pwsh processes.
Set-StrictMode -Version Latest

$script:RepoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
# The pwsh of the .NET tool is a launcher that starts the real pwsh as a child process; signals
# (SIGKILL in crash tests, SIGINT for Ctrl+C) must reach the real one, so tests start pwsh.dll.
$script:PwshDll = Get-ChildItem "$script:RepoRoot/.tools/pwsh/.store" -Recurse -Filter pwsh.dll |
    Where-Object { $_.FullName -match ($IsWindows ? '[\\/]win[\\/]' : '/unix/') } | Select-Object -First 1 -ExpandProperty FullName

function Get-ModuleManifestPath {
    $manifest = Get-ChildItem "$script:RepoRoot/out/MspMigration/*/MspMigration.psd1" | Select-Object -First 1
    if (-not $manifest) { throw 'The module is not built: run ./build.sh build' }
    $manifest.FullName
}

function New-TestWorkspace {
    # A temporary folder with src/, dst/ and an agent.toml whose control plane is a SQLite file inside it.
    param([int] $Concurrency = 8, [string] $AgentName = 'test-agent', [hashtable] $AgentSettings = @{})
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("msp-" + [Guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path "$dir/src", "$dir/dst" | Out-Null
    $extra = ($AgentSettings.GetEnumerator() | ForEach-Object { "$($_.Key) = $($_.Value)" }) -join "`n"
    @"
[agent]
name = "$AgentName"
concurrency = $Concurrency
heartbeat_seconds = 1
poll_seconds = 1
lease_seconds = 6
transfer_log = "transfers.log"
$extra

[control_plane]
sqlite = "controlplane.db"
"@ | Set-Content -Path "$dir/agent.toml"
    [pscustomobject]@{ Root = $dir; Source = "$dir/src"; Destination = "$dir/dst"; Config = "$dir/agent.toml"; TransferLog = "$dir/transfers.log" }
}

function Remove-TestWorkspace([Parameter(Mandatory)] $Workspace) {
    if ($Workspace -and (Test-Path $Workspace.Root)) { Remove-Item -Recurse -Force $Workspace.Root -ErrorAction SilentlyContinue }
}

function New-SourceTree {
    # Seeds $Count files of mixed sizes under nested keys; deterministic for a given seed.
    param([Parameter(Mandatory)][string] $Path, [int] $Count = 100, [int] $Seed = 42, [int] $MaxSize = 65536)
    $rng = [Random]::new($Seed)
    for ($i = 0; $i -lt $Count; $i++) {
        $dir = Join-Path $Path ("d{0:00}/e{1:00}" -f ($i % 7), ($i % 13))
        [IO.Directory]::CreateDirectory($dir) | Out-Null
        $size = switch ($i % 10) { 0 { 0 } 1 { $MaxSize } default { $rng.Next(1, $MaxSize) } }
        $bytes = [byte[]]::new($size)
        $rng.NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $dir ("file {0:0000}.bin" -f $i)), $bytes)
    }
}

function Add-BrokenObjects {
    # Keys that are listed but cannot be read, whoever runs the test (root included): dangling links.
    param([Parameter(Mandatory)][string] $Path, [string[]] $Keys = @('broken/one', 'broken/two'))
    foreach ($k in $Keys) {
        $p = Join-Path $Path $k
        New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
        New-Item -ItemType SymbolicLink -Path $p -Target (Join-Path ([IO.Path]::GetTempPath()) "no-such-target-$([Guid]::NewGuid())") | Out-Null
    }
}

function New-OutcomeTasks {
    # Three tasks in one workspace that end in the three finished states once an agent runs:
    # 'clean' (Completed), 'mixed' (CompletedWithFailures) and 'gone' (Failed: its source is
    # removed after the task is created, so listing fails).
    param([Parameter(Mandatory)] $Workspace, [string] $ConfigPath = $Workspace.Config, [string] $Suffix = '')
    foreach ($name in "clean$Suffix", "mixed$Suffix", "gone$Suffix") {
        $src = Join-Path $Workspace.Root "src-$name"
        New-SourceTree -Path $src -Count 5
        New-MigrationTask -ConfigPath $ConfigPath -Name $name -Source $src -Destination (Join-Path $Workspace.Root "dst-$name") | Out-Null
    }
    Add-BrokenObjects -Path (Join-Path $Workspace.Root "src-mixed$Suffix")
    Remove-Item -Recurse -Force (Join-Path $Workspace.Root "src-gone$Suffix")
}

function Get-TreeManifest([Parameter(Mandatory)][string] $Path) {
    # relative path -> SHA-256 of the content, for every regular file.
    $root = (Resolve-Path $Path).Path
    $map = @{}
    Get-ChildItem -Path $root -Recurse -File -Force | Where-Object { -not $_.LinkType -or $_.ResolveLinkTarget($true).Exists } | ForEach-Object {
        $rel = [IO.Path]::GetRelativePath($root, $_.FullName).Replace('\', '/')
        $map[$rel] = (Get-FileHash -Algorithm SHA256 -LiteralPath $_.FullName).Hash
    }
    $map
}

function Compare-Tree {
    # Returns the differences between two trees; none means byte-for-byte equal.
    param([Parameter(Mandatory)][string] $Source, [Parameter(Mandatory)][string] $Destination)
    $a = Get-TreeManifest $Source
    $b = Get-TreeManifest $Destination
    $diff = [Collections.Generic.List[string]]::new()
    foreach ($k in $a.Keys) {
        if (-not $b.ContainsKey($k)) { $diff.Add("missing: $k") }
        elseif ($a[$k] -ne $b[$k]) { $diff.Add("differs: $k") }
    }
    foreach ($k in $b.Keys) { if (-not $a.ContainsKey($k)) { $diff.Add("extra: $k") } }
    , $diff.ToArray()
}

function Start-PwshProcess {
    # Starts a fresh pwsh -NoProfile with the module imported, running $Script; output goes to files.
    # -AsUser runs the script as a user would (no 'Stop' preference set for it) and -NoImport
    # leaves the import to the script.
    param([Parameter(Mandatory)][string] $Script, [Parameter(Mandatory)] $Workspace, [string] $Name = 'agent', [switch] $AsUser, [switch] $NoImport)
    $manifest = Get-ModuleManifestPath
    $import = if ($NoImport) { '' } else { "Import-Module '$manifest'; " }
    $full = if ($AsUser) { "$import$Script" } else { "`$ErrorActionPreference = 'Stop'; `$PSStyle.OutputRendering = 'PlainText'; $import$Script" }
    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($script:PwshDll, '-NoProfile', '-NonInteractive', '-Command', $full)) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $Workspace.Root
    $psi.Environment['MSPMIGRATION_CONFIG'] = $Workspace.Config
    $psi.Environment['NO_COLOR'] = '1'
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $p = [Diagnostics.Process]::new()
    $p.StartInfo = $psi
    $stdout = Join-Path $Workspace.Root "$Name.out.txt"
    $stderr = Join-Path $Workspace.Root "$Name.err.txt"
    $p.Start() | Out-Null
    # Nothing may wait for an answer: a prompt reads end of input at once.
    if ($AsUser) { $p.StandardInput.Close() }
    $p | Add-Member -NotePropertyName StdoutTask -NotePropertyValue $p.StandardOutput.ReadToEndAsync()
    $p | Add-Member -NotePropertyName StderrTask -NotePropertyValue $p.StandardError.ReadToEndAsync()
    $p | Add-Member -NotePropertyName StdoutPath -NotePropertyValue $stdout
    $p | Add-Member -NotePropertyName StderrPath -NotePropertyValue $stderr
    $p
}

function Wait-PwshProcess {
    # Waits for a process from Start-PwshProcess; returns exit code and output. Kills it on timeout.
    param([Parameter(Mandatory)] $Process, [int] $TimeoutSeconds = 300)
    if (-not $Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Process.Kill($true)
        $Process.WaitForExit()
        throw "pwsh process $($Process.Id) did not finish within $TimeoutSeconds s. stderr: $($Process.StderrTask.Result)"
    }
    $Process.WaitForExit()
    $out = $Process.StdoutTask.Result
    $err = $Process.StderrTask.Result
    Set-Content -Path $Process.StdoutPath -Value $out
    Set-Content -Path $Process.StderrPath -Value $err
    [pscustomobject]@{ ExitCode = $Process.ExitCode; Output = $out; Error = $err }
}

function Invoke-Pwsh {
    # Runs $Script in a fresh pwsh with the module imported and waits for it.
    param([Parameter(Mandatory)][string] $Script, [Parameter(Mandatory)] $Workspace, [int] $TimeoutSeconds = 300, [string] $Name = 'pwsh', [switch] $AsUser, [switch] $NoImport)
    Wait-PwshProcess -Process (Start-PwshProcess -Script $Script -Workspace $Workspace -Name $Name -AsUser:$AsUser -NoImport:$NoImport) -TimeoutSeconds $TimeoutSeconds
}

function Send-Signal {
    # Sends a POSIX signal (INT for Ctrl+C, KILL for a crash) to a process.
    param([Parameter(Mandatory)][int] $ProcessId, [ValidateSet('INT', 'KILL', 'TERM')][string] $Signal)
    & /bin/kill "-$Signal" $ProcessId
}

function Wait-Until {
    param([Parameter(Mandatory)][scriptblock] $Condition, [int] $TimeoutSeconds = 120, [string] $Because = 'condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $Because" }
        Start-Sleep -Milliseconds 200
    }
}

function Get-TransferLogKeys([Parameter(Mandatory)][string] $Path) {
    # Keys of every object written, one per line of the transfer log (repeats mean copied twice).
    if (-not (Test-Path $Path)) { return @() }
    Get-Content -LiteralPath $Path | Where-Object { $_ } | ForEach-Object { ($_ -split "`t", 6)[5] | ConvertFrom-Json }
}

Export-ModuleMember -Function *

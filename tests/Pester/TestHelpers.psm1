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

function Get-MissingPrerequisite {
    # Why tests needing $Need cannot run here, or '' when they can. Use it at discovery as
    # -Tag "skip: $why" -Skip:([bool]$why): Invoke-Tests.ps1 prints the tag's reason for every skip.
    param([Parameter(Mandatory)][ValidateSet('s3rver', 'rclone', 'postgres', 'root', 'linux', 'unix', 'hosts', 'vendorhosts', 'strace', 'promtool')][string[]] $Need)
    $missing = foreach ($n in $Need) {
        switch ($n) {
            's3rver' { if (-not (Get-Command node -ErrorAction SilentlyContinue) -or -not (Test-Path "$script:RepoRoot/tests/infra/node_modules/s3rver/bin/s3rver.js")) { 'no s3rver (needs node; npm ci in tests/infra)' } }
            'rclone' { if (-not (Get-Command rclone -ErrorAction SilentlyContinue)) { 'no rclone (apt-get install rclone)' } }
            'postgres' { if (-not $env:MSPMIGRATION_TEST_PG) { 'no PostgreSQL (MSPMIGRATION_TEST_PG unset; tests/infra/postgres.sh starts one)' } }
            'root' { if ($IsWindows -or (& id -u) -ne '0') { 'not root (mounts a tmpfs)' } }
            'linux' { if (-not $IsLinux) { 'not Linux' } }
            'unix' { if ($IsWindows) { 'no POSIX signals on Windows' } }
            'hosts' { if (-not (Test-VHostResolution)) { 'no hosts entries for virtual-hosted buckets (tests/infra/hosts.sh as root)' } }
            'vendorhosts' { if (-not (Test-VHostResolution -Name 'cos-dst-1250000000.cos.ap-guangzhou.myqcloud.com', 'oss-cdn.mspmigration.test')) { 'no hosts entries for the vendors'' host names (tests/infra/hosts.sh as root)' } }
            'strace' { if (-not (Get-Command strace -ErrorAction SilentlyContinue)) { 'no strace (apt-get install strace)' } }
            'promtool' { if (-not (Get-Command promtool -ErrorAction SilentlyContinue)) { 'no promtool (apt-get install prometheus)' } }
        }
    }
    ($missing | Select-Object -Unique) -join '; '
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

function Get-FileStamps([Parameter(Mandatory)][string] $Path) {
    # relative path -> "inode mtime size" of every file under $Path, read by find(1): a record of
    # which files were written that the product cannot influence (a rewrite through a staged file
    # gets a new inode; a rewrite in place a new mtime).
    $map = @{}
    if (-not (Test-Path $Path)) { return $map }
    & find $Path -type f -printf '%P\t%i %T@ %s\n' | ForEach-Object {
        $f = $_ -split "`t", 2
        $map[$f[0]] = $f[1]
    }
    $map
}

function Get-ChangedFiles {
    # Files added or rewritten between two Get-FileStamps records, sorted.
    param([Parameter(Mandatory)][hashtable] $Before, [Parameter(Mandatory)][hashtable] $After)
    , @($After.Keys | Where-Object { -not $Before.ContainsKey($_) -or $Before[$_] -ne $After[$_] } | Sort-Object)
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
    # leaves the import to the script. -InputText is what a user types at prompts: the session is
    # then interactive (no -NonInteractive) and reads the answers from its standard input.
    param([Parameter(Mandatory)][string] $Script, [Parameter(Mandatory)] $Workspace, [string] $Name = 'agent', [switch] $AsUser, [switch] $NoImport,
        [AllowNull()][string] $InputText)
    $manifest = Get-ModuleManifestPath
    $import = if ($NoImport) { '' } else { "Import-Module '$manifest'; " }
    $full = if ($AsUser) { "$import$Script" } else { "`$ErrorActionPreference = 'Stop'; `$PSStyle.OutputRendering = 'PlainText'; $import$Script" }
    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $interactive = $PSBoundParameters.ContainsKey('InputText')
    foreach ($a in @($script:PwshDll, '-NoProfile') + @(if (-not $interactive) { '-NonInteractive' }) + @('-Command', $full)) { $psi.ArgumentList.Add($a) }
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
    if ($interactive -and $InputText) { $p.StandardInput.WriteLine($InputText) }
    # Nothing may wait for an answer: a prompt reads end of input at once.
    if ($AsUser -or $interactive) { $p.StandardInput.Close() }
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


function Get-TransferLogEntries([Parameter(Mandatory)][string] $Path) {
    # Every object written, as Agent, Task and Key (a key may repeat across tasks).
    if (-not (Test-Path $Path)) { return @() }
    Get-Content -LiteralPath $Path | Where-Object { $_ } | ForEach-Object {
        $f = $_ -split "`t", 6
        [pscustomobject]@{ Agent = $f[1]; Task = $f[2]; Key = ($f[5] | ConvertFrom-Json) }
    }
}

function Add-S3Profile {
    # A [profiles.NAME] of type s3 in the workspace's agent.toml: path-style at $Endpoint with
    # s3rver's keys, plus any $Extra lines. The file is then made private, as the agent expects of
    # a file that holds secrets.
    param([Parameter(Mandatory)] $Workspace, [Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Endpoint, [string[]] $Extra = @())
    $lines = @('', "[profiles.$Name]", 'type = "s3"', "endpoint = ""$Endpoint""", 'force_path_style = true',
        'access_key_id = "S3RVER"', 'secret_access_key = "S3RVER"') + $Extra
    Add-Content -Path $Workspace.Config -Value $lines
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($Workspace.Config, [IO.UnixFileMode]'UserRead, UserWrite') }
}

function Get-TestPostgres {
    # The test server from $env:MSPMIGRATION_TEST_PG (see tests/infra/postgres.sh), or $null.
    if (-not $env:MSPMIGRATION_TEST_PG) { return $null }
    $parts = @{}
    foreach ($p in $env:MSPMIGRATION_TEST_PG -split ';') {
        if ($p -match '^\s*([^=]+?)\s*=\s*(.*)$') { $parts[$Matches[1].ToLowerInvariant()] = $Matches[2] }
    }
    $psql = (Get-Command psql -ErrorAction SilentlyContinue)?.Source ?? '/usr/lib/postgresql/15/bin/psql'
    [pscustomobject]@{
        ConnectionString = $env:MSPMIGRATION_TEST_PG
        Psql = $psql
        Args = @('-h', $parts['host'], '-p', ($parts['port'] ?? '5432'), '-U', ($parts['username'] ?? $parts['user id'] ?? 'postgres'),
                 '-d', ($parts['database'] ?? 'postgres'), '-v', 'ON_ERROR_STOP=1', '-qAt')
    }
}

function Invoke-TestPostgres([Parameter(Mandatory)][string] $Sql) {
    $pg = Get-TestPostgres
    $out = & $pg.Psql @($pg.Args) -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    $out
}

function New-ClusterWorkspace {
    # A workspace shared by several agents: one agent.toml per agent (its own name and transfer
    # log) plus agent.toml for the test's own cmdlets, all naming one control plane: a SQLite file
    # in the workspace, or a fresh schema of the test PostgreSQL server. $Sections is TOML added
    # to every file (credential profiles, say).
    param(
        [Parameter(Mandatory)][ValidateSet('sqlite', 'postgres')][string] $Store,
        [Parameter(Mandatory)][string[]] $Agents,
        [int] $Concurrency = 4,
        [string] $AgentSettings = '',
        [string] $Sections = ''
    )
    $ws = New-TestWorkspace
    $schema = $null
    if ($Store -eq 'postgres') {
        $schema = 'p_' + [Guid]::NewGuid().ToString('N').Substring(0, 12)
        Invoke-TestPostgres "CREATE SCHEMA $schema" | Out-Null
        $controlPlane = "postgres = `"$((Get-TestPostgres).ConnectionString);Search Path=$schema`"`npassword_env = `"PGPASSWORD`""
    } else {
        $controlPlane = 'sqlite = "controlplane.db"'
    }
    foreach ($name in @('operator') + $Agents) {
        $file = if ($name -eq 'operator') { 'agent.toml' } else { "$name.toml" }
        @"
[agent]
name = "$name"
concurrency = $Concurrency
heartbeat_seconds = 1
poll_seconds = 1
transfer_log = "$name.transfers.log"
$AgentSettings

[control_plane]
$controlPlane

$Sections
"@ | Set-Content -Path (Join-Path $ws.Root $file)
    }
    $ws | Add-Member -NotePropertyName Schema -NotePropertyValue $schema
    $ws | Add-Member -NotePropertyName Agents -NotePropertyValue $Agents
    $ws
}

function Get-AgentWorkspace([Parameter(Mandatory)] $Workspace, [Parameter(Mandatory)][string] $Agent) {
    # The same workspace seen through one agent's configuration, for Start-PwshProcess.
    [pscustomobject]@{
        Root = $Workspace.Root; Source = $Workspace.Source; Destination = $Workspace.Destination
        Config = Join-Path $Workspace.Root "$Agent.toml"; TransferLog = Join-Path $Workspace.Root "$Agent.transfers.log"
    }
}

function Remove-ClusterWorkspace($Workspace) {
    if (-not $Workspace) { return }
    if ($Workspace.Schema) { Invoke-TestPostgres "DROP SCHEMA IF EXISTS $($Workspace.Schema) CASCADE" | Out-Null }
    Remove-TestWorkspace $Workspace
}

# --- s3rver: a real S3-compatible server (npm) for the integration tests -------------------------

$script:VHostDomain = 'mspmigration.test'

function Get-FreeTcpPort {
    $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $port
}

function Test-VHostResolution {
    # Virtual-hosted tests need the bucket host names of tests/infra/hosts.sh to resolve.
    param([string[]] $Name = @("src-bucket.s3.$script:VHostDomain"))
    try { @($Name | Where-Object { [Net.Dns]::GetHostAddresses($_).Count -gt 0 }).Count -eq $Name.Count } catch { $false }
}

function Start-S3rver {
    # Starts s3rver on a free port with the given buckets; returns an object for Stop-S3rver.
    param([Parameter(Mandatory)][string[]] $Bucket, [switch] $NoVHost)
    $js = "$script:RepoRoot/tests/infra/node_modules/s3rver/bin/s3rver.js"
    if (-not (Test-Path $js)) { throw "s3rver is not installed: run 'npm ci' in tests/infra" }
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("s3rver-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $dir | Out-Null
    for ($try = 0; ; $try++) {
        $port = Get-FreeTcpPort
        $psi = [Diagnostics.ProcessStartInfo]::new('node')
        $argv = @($js, '-d', $dir, '-a', '127.0.0.1', '-p', "$port", '--silent', '--service-endpoint', $script:VHostDomain)
        if ($NoVHost) { $argv += '--no-vhost-buckets' }
        foreach ($b in $Bucket) { $argv += @('--configure-bucket', $b) }
        foreach ($a in $argv) { $psi.ArgumentList.Add($a) }
        # Without the legacy provider, paged listings answer HTTP 500 on Node 20.
        $psi.Environment['NODE_OPTIONS'] = '--openssl-legacy-provider'
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $null = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        $up = $false
        while (-not $p.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); $up = $true; break } catch { Start-Sleep -Milliseconds 100 }
        }
        if ($up) { break }
        if (-not $p.HasExited) { $p.Kill() }
        if ($try -ge 2) { throw "s3rver did not start: $($err.Result)" }
    }
    [pscustomobject]@{
        Process = $p; Port = $port; Directory = $dir
        Endpoint = "http://127.0.0.1:$port"
        VHostEndpoint = "http://s3.$($script:VHostDomain):$port"
    }
}

function Stop-S3rver($Server) {
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) { $Server.Process.Kill(); $Server.Process.WaitForExit(5000) | Out-Null }
    Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue
}

function Start-FaultProxy {
    # Starts tests/infra/fault-proxy.js in front of $Target (an object from Start-S3rver, or a URL)
    # on a free port; rates are fractions of requests (see the script's header). Returns an object
    # for Stop-FaultProxy whose Endpoint replaces the server's in a profile.
    param([Parameter(Mandatory)] $Target, [int] $Seed = 1,
        [double] $ErrorRate = 0, [double] $ResetRate = 0, [double] $DelayRate = 0, [int] $DelayMs = 2000,
        [double] $BlackholeRate = 0, [double] $TruncateRate = 0, [double] $StallRate = 0,
        [Nullable[long]] $CutBytes, [string] $Match, [Nullable[int]] $FaultLimit,
        # Rules answering chosen requests as a service would: @{ match = '^GetObject b/k'; status = 403; code = 'AccessDenied' }.
        [hashtable[]] $Answers = @(),
        # Archived keys, answered as OSS/COS do: @{ match = '^bucket/cold/'; storageClass = 'ColdArchive'; restoreMs = 0 }.
        [hashtable[]] $Archived = @(),
        # Serve HTTPS with a fresh self-signed certificate (its PEM file is the result's CertificateFile),
        # and hold PUT bodies until whole, checking Content-MD5, as a real service does (see the script).
        [switch] $Https, [switch] $AtomicPuts,
        [string[]] $ExtraArguments = @())
    $js = "$script:RepoRoot/tests/infra/fault-proxy.js"
    $url = if ($Target -is [string]) { $Target } else { $Target.Endpoint }
    $inv = [Globalization.CultureInfo]::InvariantCulture
    $argv = @($js, '--target', $url, '--port', '0', '--seed', "$Seed",
        '--error-rate', $ErrorRate.ToString($inv), '--reset-rate', $ResetRate.ToString($inv),
        '--delay-rate', $DelayRate.ToString($inv), '--delay-ms', "$DelayMs",
        '--blackhole-rate', $BlackholeRate.ToString($inv), '--truncate-rate', $TruncateRate.ToString($inv),
        '--stall-rate', $StallRate.ToString($inv))
    if ($null -ne $CutBytes) { $argv += @('--cut-bytes', "$CutBytes") }
    if ($Match) { $argv += @('--match', $Match) }
    if ($null -ne $FaultLimit) { $argv += @('--fault-limit', "$FaultLimit") }
    if ($Answers.Count) { $argv += @('--answers', (ConvertTo-Json -InputObject @($Answers) -Compress -Depth 4)) }
    if ($Archived.Count) { $argv += @('--archived', (ConvertTo-Json -InputObject @($Archived) -Compress -Depth 4)) }
    $cert = $null
    if ($Https) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("proxy-tls-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $cert = Join-Path $dir cert.pem
        $out = & openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 `
            -keyout (Join-Path $dir key.pem) -out $cert 2>&1
        if ($LASTEXITCODE) { throw "openssl could not make a certificate: $out" }
        $argv += @('--tls-cert', $cert, '--tls-key', (Join-Path $dir key.pem))
    }
    if ($AtomicPuts) { $argv += @('--atomic-puts', '1') }
    $argv += $ExtraArguments
    $psi = [Diagnostics.ProcessStartInfo]::new('node')
    foreach ($a in $argv) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    # The proxy prints {"port":N} once it listens.
    $line = $p.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000) -or -not $line.Result) {
        if (-not $p.HasExited) { $p.Kill() }
        throw "the fault proxy did not start: $($err.Result)"
    }
    $null = $p.StandardOutput.ReadToEndAsync()
    $port = ($line.Result | ConvertFrom-Json).port
    [pscustomobject]@{
        Process = $p; Port = $port; Target = $url
        Endpoint = "$(if ($Https) { 'https' } else { 'http' })://127.0.0.1:$port"
        CertificateFile = $cert
    }
}

function Get-FaultProxyStats([Parameter(Mandatory)] $Proxy) {
    # The proxy's counters: requests, faults by kind, byMethod, byOperation, and keys."bucket/key".Operation.{requests,upstream,ok,faults,bytes}.
    Invoke-RestMethod -Uri "$($Proxy.Endpoint)/__proxy/stats" -SkipCertificateCheck
}

function Get-FaultProxyRequests([Parameter(Mandatory)] $Proxy) {
    # Every request the proxy received, in order: host, method, path and the integrity headers.
    @((Invoke-WebRequest -Uri "$($Proxy.Endpoint)/__proxy/requests" -SkipCertificateCheck).Content | ConvertFrom-Json)
}

function Set-FaultProxy {
    # Changes a running proxy's rates (errorRate, resetRate, delayRate, delayMs, blackholeRate,
    # truncateRate, stallRate, cutBytes, match, faultLimit, seed) or its answers (a list, as
    # Start-FaultProxy -Answers); -ResetStats zeroes its counters.
    param([Parameter(Mandatory)] $Proxy, [hashtable] $Settings = @{}, [switch] $ResetStats)
    if ($Settings.Count) { $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.Endpoint)/__proxy/config" -Body ($Settings | ConvertTo-Json -Compress -Depth 5) -SkipCertificateCheck }
    if ($ResetStats) { $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.Endpoint)/__proxy/reset" -SkipCertificateCheck }
}

function Stop-FaultProxy($Proxy) {
    if (-not $Proxy) { return }
    if (-not $Proxy.Process.HasExited) { $Proxy.Process.Kill(); $Proxy.Process.WaitForExit(5000) | Out-Null }
    if ($Proxy.CertificateFile) { Remove-Item -Recurse -Force (Split-Path $Proxy.CertificateFile) -ErrorAction SilentlyContinue }
}

function Invoke-Rclone {
    # rclone against s3rver, configured by environment only; AWS_CA_BUNDLE breaks it.
    param([Parameter(Mandatory)][string[]] $Arguments)
    $saved = $env:AWS_CA_BUNDLE
    try {
        Remove-Item Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
        $out = & rclone @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
    } finally {
        if ($null -ne $saved) { $env:AWS_CA_BUNDLE = $saved }
    }
}

function ConvertTo-S3Path([Parameter(Mandatory)][string] $Key) {
    # Each key segment percent-encoded; '/' kept, so a trailing '/' stays part of the key.
    ($Key -split '/', -1 | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/'
}

function Add-S3Object {
    # Writes one object with a plain HTTP PUT (s3rver accepts unsigned requests), independently
    # of the module under test; -Metadata becomes x-amz-meta-* headers.
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)][string] $Bucket, [Parameter(Mandatory)][string] $Key,
        [byte[]] $Body = @(), [string] $ContentType = 'application/octet-stream', [hashtable] $Metadata = @{}, [hashtable] $Headers = @{})
    $h = @{}
    foreach ($k in $Metadata.Keys) { $h["x-amz-meta-$k"] = $Metadata[$k] }
    foreach ($k in $Headers.Keys) { $h[$k] = $Headers[$k] }
    Invoke-WebRequest -Method Put -Uri "$($Server.Endpoint)/$Bucket/$(ConvertTo-S3Path $Key)" -Body $Body -ContentType $ContentType `
        -Headers $h -SkipHeaderValidation | Out-Null
}

function Get-S3ObjectHeaders {
    # HEAD of one object: its response headers, or $null when the server answers 404. Any other
    # answer or failure throws, so that an absence check cannot pass on a broken request.
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)][string] $Bucket, [Parameter(Mandatory)][string] $Key)
    $r = Invoke-WebRequest -Method Head -Uri "$($Server.Endpoint)/$Bucket/$(ConvertTo-S3Path $Key)" -SkipHttpErrorCheck
    if ($r.StatusCode -eq 404) { return $null }
    if ($r.StatusCode -ne 200) { throw "HEAD $Bucket/$Key answered HTTP $($r.StatusCode)" }
    $r.Headers
}

function Get-S3Keys {
    # Every key of a bucket (under a prefix), listed flat with plain HTTP ListObjectsV2.
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)][string] $Bucket, [string] $Prefix = '')
    $keys = [Collections.Generic.List[string]]::new()
    $after = ''
    do {
        $uri = "$($Server.Endpoint)/$Bucket/?list-type=2&prefix=$([Uri]::EscapeDataString($Prefix))&start-after=$([Uri]::EscapeDataString($after))"
        [xml] $x = (Invoke-WebRequest -Uri $uri).Content
        $page = @($x.ListBucketResult.Contents | Where-Object { $_ } | ForEach-Object { $_.Key })
        $keys.AddRange([string[]] $page)
        if ($page.Count) { $after = $page[-1] }
    } while ($x.ListBucketResult.IsTruncated -eq 'true' -and $page.Count)
    , $keys.ToArray()
}

function Get-RcloneRemote([Parameter(Mandatory)] $Server) {
    # An on-the-fly rclone remote for one s3rver (path-style).
    ":s3,provider=Other,env_auth=false,access_key_id=S3RVER,secret_access_key=S3RVER,endpoint='$($Server.Endpoint)',force_path_style=true:"
}

function New-Bytes([int] $Size, [int] $Seed) {
    # Reproducible random bytes (the same seed gives the same object).
    $b = [byte[]]::new($Size)
    [Random]::new($Seed).NextBytes($b)
    , $b
}

function Get-S3Body($Server, [string] $Bucket, [string] $Key) {
    # An object's bytes as the server stores them, read without the module.
    $path = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid().ToString('N'))
    try {
        Invoke-WebRequest -Uri "$($Server.Endpoint)/$Bucket/$(ConvertTo-S3Path $Key)" -OutFile $path
        , [IO.File]::ReadAllBytes($path)
    } finally { Remove-Item $path -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function *

# The quick-start demonstration: a real migration on the embedded default (a SQLite control
# plane, local directories as source and destination buckets), then its final status.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [int] $Count = 3000,
    [string] $WorkDir = (Join-Path ([IO.Path]::GetTempPath()) "mspmigration-demo-$PID")
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$src = Join-Path $WorkDir 'source-bucket'
$dst = Join-Path $WorkDir 'destination-bucket'
Write-Host "Seeding $Count objects of mixed sizes under nested keys in $src"
$rng = [Random]::new(2024)
for ($i = 0; $i -lt $Count; $i++) {
    # Mostly small objects, some of a few hundred KiB, a few of several MiB, and empty ones.
    $size = switch ($rng.Next(100)) { { $_ -lt 5 } { 0 } { $_ -lt 85 } { $rng.Next(1, 16KB) } { $_ -lt 98 } { $rng.Next(16KB, 512KB) } default { $rng.Next(1MB, 8MB) } }
    $key = '{0}/{1:yyyy}/{1:MM}/{2}/photo-{3:00000}.jpg' -f ('albums', 'videos', 'docs')[$i % 3], [datetime]::new(2024, 1 + $i % 12, 1), "user$($i % 17)", $i
    $path = Join-Path $src $key
    [IO.Directory]::CreateDirectory((Split-Path $path)) | Out-Null
    $bytes = [byte[]]::new($size)
    $rng.NextBytes($bytes)
    [IO.File]::WriteAllBytes($path, $bytes)
}

# Everything this demo keeps (control plane, configuration) stays inside its work folder.
$config = Join-Path $WorkDir 'agent.toml'
@"
[agent]
name = "demo-agent"
concurrency = 16

[control_plane]
sqlite = "controlplane.db"
"@ | Set-Content $config

New-MigrationTask -ConfigPath $config -Name demo -Source $src -Destination $dst -SameNamePolicy Overwrite | Format-Table
$summary = Start-MigrationAgent -ConfigPath $config -ExitWhenIdle
'Agent {0}: {1:N0} objects, {2:N1} MiB in {3:N1} s' -f $summary.AgentName, $summary.ObjectsSucceeded, ($summary.BytesTransferred / 1MB), $summary.Elapsed.TotalSeconds
Get-MigrationStatus -ConfigPath $config -Name demo | Format-List TaskName, State, Total, Succeeded, Skipped, Failed, TotalBytes, TransferredBytes, Elapsed, BytesPerSecond, ObjectsPerSecond
Write-Host "Work folder: $WorkDir (remove it when done)"

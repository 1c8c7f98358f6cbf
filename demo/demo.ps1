# The quick-start demonstration: a real migration on the embedded default (a SQLite control
# plane, local directories as source and destination buckets), then its final status.
# With -SourceEndpoint and -DestinationEndpoint (two S3-compatible servers, e.g. s3rver) the
# seeded objects are first uploaded to s3://demo-src and the demo migrates them to s3://demo-dst.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [int] $Count = 3000,
    [string] $WorkDir = (Join-Path ([IO.Path]::GetTempPath()) "mspmigration-demo-$PID"),
    [string] $SourceEndpoint,
    [string] $DestinationEndpoint,
    [string] $AccessKeyId = 'S3RVER',
    [string] $SecretAccessKey = 'S3RVER'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$src = Join-Path $WorkDir 'source-bucket'
$dst = Join-Path $WorkDir 'destination-bucket'
Write-Host "Seeding $Count objects of mixed sizes under nested keys in $src"
$rng = [Random]::new(2024)
for ($i = 0; $i -lt $Count; $i++) {
    # Mostly small objects, some of a few hundred KiB, a few of several MiB, and empty ones.
    # 'break': a switch runs every matching clause, which would yield several sizes.
    $size = switch ($rng.Next(100)) { { $_ -lt 5 } { 0; break } { $_ -lt 85 } { $rng.Next(1, 16KB); break } { $_ -lt 98 } { $rng.Next(16KB, 512KB); break } default { $rng.Next(1MB, 8MB) } }
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

if ($SourceEndpoint -and $DestinationEndpoint) {
    foreach ($side in @(@('demo-src', $SourceEndpoint), @('demo-dst', $DestinationEndpoint))) {
        @"

[profiles.$($side[0])]
type = "s3"
endpoint = "$($side[1])"
force_path_style = true
access_key_id = "$AccessKeyId"
secret_access_key = "$SecretAccessKey"
"@ | Add-Content $config
    }
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($config, [IO.UnixFileMode]'UserRead, UserWrite') }
    Test-MigrationEndpoint -ConfigPath $config s3://demo-src/ -Profile demo-src
    Test-MigrationEndpoint -ConfigPath $config s3://demo-dst/ -Profile demo-dst
    Write-Host "Uploading the seeded objects to s3://demo-src at $SourceEndpoint"
    New-MigrationTask -ConfigPath $config -Name seed -Source $src -Destination s3://demo-src/ -DestinationProfile demo-src | Out-Null
    $null = Start-MigrationAgent -ConfigPath $config -TaskName seed -ExitWhenIdle
    New-MigrationTask -ConfigPath $config -Name demo -Source s3://demo-src/ -SourceProfile demo-src `
        -Destination s3://demo-dst/ -DestinationProfile demo-dst -SameNamePolicy Overwrite | Format-Table
}
else {
    New-MigrationTask -ConfigPath $config -Name demo -Source $src -Destination $dst -SameNamePolicy Overwrite | Format-Table
}
$summary = Start-MigrationAgent -ConfigPath $config -TaskName demo -ExitWhenIdle
'Agent {0}: {1:N0} objects, {2:N1} MiB in {3:N1} s' -f $summary.AgentName, $summary.ObjectsSucceeded, ($summary.BytesTransferred / 1MB), $summary.Elapsed.TotalSeconds
Get-MigrationStatus -ConfigPath $config -Name demo | Format-List TaskName, State, Total, Succeeded, Skipped, Failed, TotalBytes, TransferredBytes, Elapsed, BytesPerSecond, ObjectsPerSecond
Write-Host "Work folder: $WorkDir (remove it when done)"

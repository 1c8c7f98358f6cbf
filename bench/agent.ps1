# One measured migration by this module: a fresh control plane, one task, one agent that exits
# when the task is done. The whole pwsh process is what bench/run.sh times, startup included.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $Source,
    [Parameter(Mandatory)][string] $Destination,
    [Parameter(Mandatory)][string] $WorkDir,
    [int] $Concurrency = 16,
    [string] $SourceProfile,
    [string] $DestinationProfile,
    [string] $ProfilesToml = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$config = Join-Path $WorkDir 'agent.toml'
@"
[agent]
name = "bench-agent"
concurrency = $Concurrency

[control_plane]
sqlite = "controlplane.db"
$ProfilesToml
"@ | Set-Content $config

$task = @{ ConfigPath = $config; Name = 'bench'; Source = $Source; Destination = $Destination }
if ($SourceProfile) { $task.SourceProfile = $SourceProfile }
if ($DestinationProfile) { $task.DestinationProfile = $DestinationProfile }
New-MigrationTask @task | Out-Null
$summary = Start-MigrationAgent -ConfigPath $config -ExitWhenIdle
$status = Get-MigrationStatus -ConfigPath $config -Name bench
# One parseable line for run.sh: state, counts, bytes, the agent's own elapsed seconds.
'RESULT state={0} succeeded={1} failed={2} bytes={3} agent_seconds={4:F3}' -f $status.State, $status.Succeeded,
    $status.Failed, $status.TransferredBytes, $summary.Elapsed.TotalSeconds
if ($status.State -ne 'Completed') { exit 1 }

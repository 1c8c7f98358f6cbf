# One measured migration by this module, in one of three modes:
#   Once    a fresh control plane, one task, one agent that exits when the task is done. The whole
#           pwsh process is what bench/run.sh times, start-up included.
#   Serve   a long-running agent, as agents are deployed: started once per workload, it takes each
#           task Submit creates. run.sh reads its CPU time and peak RSS from /proc.
#   Submit  creates a task for the Serve agent and waits for it; prints the task's own times.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDir,
    [ValidateSet('Once', 'Serve', 'Submit')][string] $Mode = 'Once',
    [string] $Name = 'bench',
    [string] $Source,
    [string] $Destination,
    [int] $Concurrency = 16,
    [string] $SourceProfile,
    [string] $DestinationProfile,
    [string] $ProfilesToml = '',
    [string] $KeyPrefix,
    # Extra [agent] lines, e.g. 'fsync = false'.
    [string] $AgentSettings = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$config = Join-Path $WorkDir 'agent.toml'
if ($Mode -ne 'Submit') {
    # poll_seconds = 1: the Serve agent looks for new tasks every second (the shortest allowed).
    @"
[agent]
name = "bench-agent"
concurrency = $Concurrency
poll_seconds = 1
$AgentSettings

[control_plane]
sqlite = "controlplane.db"
$ProfilesToml
"@ | Set-Content $config
}
if ($Mode -eq 'Serve') {
    Start-MigrationAgent -ConfigPath $config -ErrorAction Continue
    return
}

$task = @{ ConfigPath = $config; Name = $Name; Source = $Source; Destination = $Destination }
if ($SourceProfile) { $task.SourceProfile = $SourceProfile }
if ($DestinationProfile) { $task.DestinationProfile = $DestinationProfile }
if ($KeyPrefix) { $task.KeyPrefix = $KeyPrefix }
if ($Mode -eq 'Once') {
    New-MigrationTask @task | Out-Null
    $summary = Start-MigrationAgent -ConfigPath $config -ExitWhenIdle
    $agentSeconds = $summary.Elapsed.TotalSeconds
    $status = Get-MigrationStatus -ConfigPath $config -Name $Name
}
else {
    # Compile the polling path before the task exists, so that this process's JIT work does not
    # compete with the agent while it copies.
    Get-MigrationTask -ConfigPath $config | Out-Null
    New-MigrationTask @task | Out-Null
    do {
        Start-Sleep -Milliseconds 100
        $t = Get-MigrationTask -ConfigPath $config -Name $Name
    } until ($t.State -in 'Completed', 'CompletedWithFailures', 'Failed')
    $status = Get-MigrationStatus -ConfigPath $config -Name $Name
    # From the agent's first step on the task (listing) to its completion; the wait before that
    # step is the agent's poll interval, reported apart as pickup_seconds.
    $agentSeconds = ($t.FinishedAt - $t.StartedAt).TotalSeconds
    $pickup = ($t.StartedAt - $t.CreatedAt).TotalSeconds
}
# One parseable line for run.sh: state, counts, bytes, the agent's own elapsed seconds.
'RESULT state={0} succeeded={1} failed={2} bytes={3} agent_seconds={4:F3} pickup_seconds={5:F3}' -f $status.State, $status.Succeeded,
    $status.Failed, $status.TransferredBytes, $agentSeconds, $pickup
if ($status.State -ne 'Completed') { exit 1 }

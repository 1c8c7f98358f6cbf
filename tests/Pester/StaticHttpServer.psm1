# A static HTTP server on 127.0.0.1 for tests that need a web source (URL-list mode).
Set-StrictMode -Version Latest

function Start-StaticHttpServer {
    # Serves $Path at a free port; returns the process and its base URL. The server stops when
    # Stop-StaticHttpServer closes its stdin, when the test process dies, or after $MaxSeconds.
    param([Parameter(Mandatory)][string] $Path, [int] $MaxSeconds = 900)
    $psi = [Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @('-u', "$PSScriptRoot/StaticHttpServer.py", $Path, "$MaxSeconds")) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $p = [Diagnostics.Process]::Start($psi)
    $port = $p.StandardOutput.ReadLine()
    if (-not ($port -match '^\d+$')) { $p.Kill(); throw "The HTTP server did not start (said: '$port')" }
    [pscustomobject]@{ Process = $p; BaseUrl = "http://127.0.0.1:$port/" }
}

function Stop-StaticHttpServer($Server) {
    if (-not $Server) { return }
    $Server.Process.StandardInput.Close()
    if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill() }
}

Export-ModuleMember -Function Start-StaticHttpServer, Stop-StaticHttpServer

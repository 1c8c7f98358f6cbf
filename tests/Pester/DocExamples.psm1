# Reads the PowerShell examples out of the documentation, so that Examples.Tests.ps1 can run each
# one as a reader would paste it. An example may be preceded by one HTML comment that says how
# (invisible on a rendered page and left out of the MAML help):
#   <!-- example: given=failures tasks=photos,videos input=Y stop-after=4 -->
#   <!-- example: skip="needs a real Alibaba Cloud OSS account" -->
# given=      the state the example starts from, for each task named by tasks= (default photos):
#             created (the default), none (no task yet), done (migrated cleanly), failures
#             (migrated, two objects failed), fixed (as failures, then their cause repaired),
#             running (an agent works on it in the background), paused, tampered (done, then
#             one object deleted and one truncated at the destination)
# agent=background  an agent serves the control plane while the example runs
# input=      lines typed at prompts, | between lines
# stop-after= the example runs until stopped: SIGTERM after that many seconds, as systemd would
# skip=       the example needs what no test machine has (a real cloud account), and why
Set-StrictMode -Version Latest

function Get-DocExample {
    # One object per ```powershell block of each file: File, Line, Code, and the directives.
    param([Parameter(Mandatory)][string[]] $Path)
    foreach ($file in $Path) {
        $lines = Get-Content -LiteralPath $file
        $directive = $null; $code = $null; $start = 0; $number = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($null -ne $code) {
                if ($line -match '^```\s*$') {
                    $number++
                    [pscustomobject]@{
                        File = $file; Name = "$([IO.Path]::GetFileName($file)) example $number (line $start)"
                        Code = ($code -join "`n"); Directives = ConvertFrom-ExampleDirective $directive
                    }
                    $code = $null; $directive = $null
                }
                else { $code.Add($line) }
                continue
            }
            if ($line -match '^<!--\s*example:(.*)-->\s*$') { $directive = $Matches[1]; continue }
            if ($line -match '^```powershell\s*$') { $code = [Collections.Generic.List[string]]::new(); $start = $i + 1; continue }
            # A directive belongs to the next block only when nothing but a blank line stands between.
            if ($line -match '^```' -or $line.Trim()) { $directive = $null }
        }
        if ($null -ne $code) { throw "${file}: the code block at line $start is not closed" }
    }
}

function ConvertFrom-ExampleDirective([string] $Text) {
    $d = @{ given = 'created'; tasks = @('photos'); agent = $false; input = $null; 'stop-after' = 0; skip = $null }
    if (-not $Text) { return $d }
    foreach ($m in [regex]::Matches($Text, '(?<key>[a-z-]+)=(?:"(?<value>[^"]*)"|(?<value>\S+))')) {
        $key = $m.Groups['key'].Value; $value = $m.Groups['value'].Value
        switch ($key) {
            'given' { if ($value -notin 'none', 'created', 'done', 'failures', 'fixed', 'running', 'paused', 'tampered') { throw "unknown given=$value" }; $d.given = $value }
            'agent' { if ($value -ne 'background') { throw "unknown agent=$value" }; $d.agent = $true }
            'tasks' { $d.tasks = $value -split ',' }
            'input' { $d.input = ($value -split '\|') -join "`n" }
            'stop-after' { $d['stop-after'] = [int] $value }
            'skip' { $d.skip = $value }
            default { throw "unknown example directive '$key'" }
        }
    }
    $d
}

function ConvertTo-ScratchPath {
    # The examples' absolute paths (/data/photos, /backup/photos, /opt/agent/conf/agent.toml) are
    # placed under the scratch folder; relative ones already resolve against it.
    param([Parameter(Mandatory)][string] $Code, [Parameter(Mandatory)][string] $Root)
    [regex]::Replace($Code, '(?<=^|[\s''"=])/(?=(data|backup|archive|opt)/)', "$Root/")
}

Export-ModuleMember -Function Get-DocExample, ConvertTo-ScratchPath

# Builds the module's MAML help (what Get-Help reads) from one markdown page per cmdlet.
#
# The module is imported so that names, parameter sets, types, positions, pipeline input,
# aliases and wildcards come from the cmdlets themselves; the pages add only the prose:
# synopsis, description, examples, parameter descriptions, inputs, outputs, notes, links.
# Fails, naming every problem, when an exported cmdlet has no page, a page lacks a section or
# an example, a parameter is undocumented, or a page documents what does not exist.
#
# Page layout (headings are exact):
#   # <Cmdlet-Name>
#   ## SYNOPSIS / ## DESCRIPTION / ## EXAMPLES (### Example N: title, a ```powershell block, text)
#   ## PARAMETERS (### -Name, text) / ## INPUTS / ## OUTPUTS (### Type, text) / ## NOTES / ## RELATED LINKS
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DocsPath,
    [Parameter(Mandatory)][string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module $ModulePath -PassThru -Force
# -WhatIf and -Confirm are documented here once, not on every page.
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet does not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$common = [System.Management.Automation.PSCmdlet]::CommonParameters

function Split-Sections([string[]] $Lines, [string] $Prefix) {
    # Ordered map: heading text -> the lines under it, for headings that start with $Prefix.
    $sections = [ordered]@{}
    $current = $null
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix + '#')) {
            $current = $line.Substring($Prefix.Length).Trim()
            $sections[$current] = [Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

function Get-Paragraphs([string[]] $Lines) {
    # Blank-line separated paragraphs; list items stay one per paragraph; markdown links and
    # inline code marks are reduced to their text, which is what a console shows best.
    $paragraphs = [Collections.Generic.List[string]]::new()
    $buffer = [Collections.Generic.List[string]]::new()
    $flush = { if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')); $buffer.Clear() } }
    foreach ($line in $Lines) {
        $text = $line.Trim() -replace '\[([^\]]+)\]\([^)]*\)', '$1' -replace '`', ''
        if (-not $text) { & $flush; continue }
        if ($text -match '^[-*] ') { & $flush; $buffer.Add($text); & $flush; continue }
        $buffer.Add($text)
    }
    & $flush
    , $paragraphs.ToArray()
}

function Read-Page([string] $Path, [System.Management.Automation.CommandInfo] $Command, [System.Collections.Generic.List[string]] $Problems) {
    $lines = Get-Content -LiteralPath $Path
    $name = $Command.Name
    $file = Split-Path $Path -Leaf
    if (-not ($lines | Where-Object { $_ -eq "# $name" })) { $Problems.Add("${file}: the title must be '# $name'") }
    $sections = Split-Sections $lines '## '
    $page = [ordered]@{ Synopsis = @(); Description = @(); Examples = @(); Parameters = @{}; Inputs = @(); Outputs = @(); Notes = @(); Links = @() }
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'OUTPUTS') {
        if (-not $sections.Contains($required)) { $Problems.Add("${file}: no '## $required' section") }
    }
    if ($sections.Contains('SYNOPSIS')) { $page.Synopsis = Get-Paragraphs $sections['SYNOPSIS'] }
    if ($sections.Contains('DESCRIPTION')) { $page.Description = Get-Paragraphs $sections['DESCRIPTION'] }
    if ($sections.Contains('NOTES')) { $page.Notes = Get-Paragraphs $sections['NOTES'] }
    if (-not $page.Synopsis) { $Problems.Add("${file}: the synopsis is empty") }
    if (-not $page.Description) { $Problems.Add("${file}: the description is empty") }

    if ($sections.Contains('EXAMPLES')) {
        $examples = Split-Sections $sections['EXAMPLES'] '### '
        $page.Examples = @(foreach ($title in $examples.Keys) {
            $code = [Collections.Generic.List[string]]::new(); $rest = [Collections.Generic.List[string]]::new(); $state = 'before'
            foreach ($line in $examples[$title]) {
                if ($line -match '^```') { $state = if ($state -eq 'before') { 'code' } else { 'after' }; continue }
                if ($state -eq 'code') { $code.Add($line) } elseif ($state -eq 'after') { $rest.Add($line) }
            }
            if (-not $code.Count) { $Problems.Add("${file}: example '$title' has no code block") }
            [pscustomobject]@{ Title = $title; Code = ($code -join "`n"); Remarks = Get-Paragraphs $rest }
        })
        if (-not $page.Examples) { $Problems.Add("${file}: no example") }
    }

    $documented = if ($sections.Contains('PARAMETERS')) { Split-Sections $sections['PARAMETERS'] '### ' } else { @{} }
    foreach ($key in $documented.Keys) {
        $parameter = $key.TrimStart('-')
        if (-not $Command.Parameters.ContainsKey($parameter) -or $parameter -in $common) { $Problems.Add("${file}: documents -$parameter, which $name does not have"); continue }
        $page.Parameters[$parameter] = Get-Paragraphs $documented[$key]
        if (-not $page.Parameters[$parameter]) { $Problems.Add("${file}: -$parameter has no description") }
    }
    foreach ($parameter in $Command.Parameters.Keys) {
        if ($parameter -in $common) { continue }
        if ($shouldProcessText.ContainsKey($parameter)) { if (-not $page.Parameters.ContainsKey($parameter)) { $page.Parameters[$parameter] = @($shouldProcessText[$parameter]) }; continue }
        if (-not $page.Parameters.ContainsKey($parameter)) { $Problems.Add("${file}: -$parameter is not documented") }
    }

    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        if (-not $sections.Contains($kind)) { continue }
        $types = Split-Sections $sections[$kind] '### '
        $page[$kind.Substring(0, 1) + $kind.Substring(1).ToLowerInvariant()] = @(foreach ($t in $types.Keys) { [pscustomobject]@{ Type = $t; Text = Get-Paragraphs $types[$t] } })
    }
    if ($sections.Contains('RELATED LINKS')) {
        $page.Links = @(foreach ($line in $sections['RELATED LINKS']) {
            if ($line -match '^\s*[-*]\s+(.+)$') { $Matches[1] -replace '\[([^\]]+)\]\(([^)]*)\)', '$1' }
        })
    }
    $page
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmdNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([System.Xml.XmlWriter] $W, [string[]] $Paragraphs) {
    $W.WriteStartElement('maml', 'description', $maml)
    foreach ($p in $Paragraphs) { $W.WriteElementString('maml', 'para', $maml, $p) }
    $W.WriteEndElement()
}

function Get-TypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    # Nullable<T> shows as T; System types by their short names, as Get-Command -Syntax does.
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return Get-TypeName $Type.GetGenericArguments()[0] }
    if ($Type.Namespace -eq 'System') { return $Type.Name }
    $Type.FullName
}

function Write-Parameter([System.Xml.XmlWriter] $W, [string] $Name, $Metadata, $SetInfo, [string[]] $Text, [switch] $InSyntax) {
    # $SetInfo: the parameter in one set (syntax) or, for the full list, the first set that has it.
    $pipeline = @()
    if ($SetInfo.ValueFromPipeline) { $pipeline += 'ByValue' }
    if ($SetInfo.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    $isSwitch = $Metadata.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $W.WriteStartElement('command', 'parameter', $cmdNs)
    $W.WriteAttributeString('required', "$($SetInfo.IsMandatory)".ToLowerInvariant())
    $W.WriteAttributeString('variableLength', "$($Metadata.ParameterType.IsArray)".ToLowerInvariant())
    $W.WriteAttributeString('globbing', "$([bool]($Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $W.WriteAttributeString('position', $(if ($SetInfo.Position -ge 0) { "$($SetInfo.Position)" } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if ($Metadata.Aliases.Count) { $Metadata.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $maml, $Name)
    Write-Paras $W $Text
    $typeName = Get-TypeName $Metadata.ParameterType
    if (-not $isSwitch -or -not $InSyntax) {
        $W.WriteStartElement('command', 'parameterValue', $cmdNs)
        $W.WriteAttributeString('required', "$(-not $isSwitch)".ToLowerInvariant())
        $W.WriteAttributeString('variableLength', "$($Metadata.ParameterType.IsArray)".ToLowerInvariant())
        $W.WriteString($typeName)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $dev); $W.WriteElementString('maml', 'name', $maml, $typeName); $W.WriteEndElement()
    $validateSet = $Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    $values = if ($validateSet) { $validateSet.ValidValues } elseif ($Metadata.ParameterType.IsEnum) { [enum]::GetNames($Metadata.ParameterType) } elseif ($Metadata.ParameterType.IsArray -and $Metadata.ParameterType.GetElementType().IsEnum) { [enum]::GetNames($Metadata.ParameterType.GetElementType()) }
    if ($values -and $InSyntax) {
        $W.WriteStartElement('command', 'parameterValueGroup', $cmdNs)
        foreach ($v in $values) { $W.WriteStartElement('command', 'parameterValue', $cmdNs); $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false'); $W.WriteString($v); $W.WriteEndElement() }
        $W.WriteEndElement()
    }
    $W.WriteElementString('dev', 'defaultValue', $dev, $(if ($isSwitch) { 'False' } else { 'None' }))
    $W.WriteEndElement()
}

$problems = [Collections.Generic.List[string]]::new()
$commands = $module.ExportedCommands.Values | Sort-Object Name
$pages = @{}
foreach ($command in $commands) {
    $path = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $path)) { $problems.Add("$($command.Name) is exported but has no help page: add $path"); continue }
    $pages[$command.Name] = Read-Page $path $command $problems
}
foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md') {
    if ($file.BaseName -notin $commands.Name) { $problems.Add("$($file.Name) documents '$($file.BaseName)', which the module does not export") }
}
if ($problems.Count) {
    [Console]::Error.WriteLine("Help is incomplete ($($problems.Count) problem(s)):")
    foreach ($p in $problems) { [Console]::Error.WriteLine("  $p") }
    exit 1
}

New-Item -ItemType Directory -Force -Path (Split-Path $OutputPath) | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$w = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) {
    $page = $pages[$command.Name]
    $w.WriteStartElement('command', 'command', $cmdNs)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $cmdNs)
    $w.WriteElementString('command', 'name', $cmdNs, $command.Name)
    $w.WriteElementString('command', 'verb', $cmdNs, $command.Verb)
    $w.WriteElementString('command', 'noun', $cmdNs, $command.Noun)
    Write-Paras $w $page.Synopsis
    $w.WriteEndElement()
    Write-Paras $w $page.Description

    $w.WriteStartElement('command', 'syntax', $cmdNs)
    foreach ($set in $command.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmdNs)
        $w.WriteElementString('maml', 'name', $maml, $command.Name)
        # As Get-Command -Syntax orders them: positional, then mandatory, then the rest as declared,
        # -WhatIf and -Confirm last.
        $declared = @($set.Parameters | Where-Object { $_.Name -notin $common })
        $ordered = $declared | Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } },
            @{ Expression = { -not $_.IsMandatory } }, @{ Expression = { $_.Name -in 'WhatIf', 'Confirm' } }, @{ Expression = { [array]::IndexOf($declared, $_) } }
        foreach ($p in $ordered) { Write-Parameter $w $p.Name $command.Parameters[$p.Name] $p $page.Parameters[$p.Name] -InSyntax }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $cmdNs)
    foreach ($name in ($command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)) {
        $info = $command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $name | Sort-Object { -not $_.IsMandatory } | Select-Object -First 1
        Write-Parameter $w $name $command.Parameters[$name] $info $page.Parameters[$name]
    }
    $w.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', 'Inputs'), @('returnValues', 'returnValue', 'Outputs'))) {
        $w.WriteStartElement('command', $kind[0], $cmdNs)
        foreach ($t in $page[$kind[2]]) {
            $w.WriteStartElement('command', $kind[1], $cmdNs)
            $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $t.Type); $w.WriteEndElement()
            Write-Paras $w $t.Text
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $maml)
    $w.WriteStartElement('maml', 'alert', $maml)
    foreach ($p in $page.Notes) { $w.WriteElementString('maml', 'para', $maml, $p) }
    $w.WriteEndElement(); $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $cmdNs)
    foreach ($e in $page.Examples) {
        $w.WriteStartElement('command', 'example', $cmdNs)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- $($e.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $dev, $e.Code)
        $w.WriteStartElement('dev', 'remarks', $dev)
        foreach ($p in $e.Remarks) { $w.WriteElementString('maml', 'para', $maml, $p) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $cmdNs)
    foreach ($link in $page.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteElementString('maml', 'uri', $maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()
Write-Host "Help for $($commands.Count) cmdlets written to $OutputPath"

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

<#
.SYNOPSIS
Runs the tls_host contract cases (cases/*.json) against the real plugins/modules/__tls_host.ps1 on this Windows
host, standalone: Ansible.Basic is compiled from ansible-core's source, no WinRM or controller is involved.

.DESCRIPTION
Each case gets its own registry keys (HKLM and HKCU \SOFTWARE\tlsguard-contract\<case>, and the WOW6432Node twin)
and its own folder below -WorkPath; both are removed afterwards. The module runs in a child process of this
PowerShell edition (powershell.exe for 5.1, pwsh for 7) with $complex_args built as ansible-core's wrapper builds
it (ConvertFrom-Json, objects as Hashtables). The result, the registry and the files are compared with what the
case expects, as lab/tlslab/contract.py does for the lab's twin. Run it elevated (the cases write HKLM).

Not run yet: this runner and .github/workflows/windows-contract.yml were written without access to Windows.

.EXAMPLE
.\Invoke-ContractCases.ps1 -AnsibleBasic C:\src\ansible\lib\ansible\module_utils\csharp\Ansible.Basic.cs
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$AnsibleBasic,
    [string]$Module = (Join-Path $PSScriptRoot '..\..\..\plugins\modules\__tls_host.ps1'),
    [string]$Cases = (Join-Path $PSScriptRoot 'cases'),
    [string]$WorkPath = (Join-Path $env:SystemDrive "tlsguard-contract-$PID"),
    [string]$Name = '*'
)

$ErrorActionPreference = 'Stop'
$moduleName = 'tlsguard.windows.__tls_host'
$everyone = New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList 'S-1-1-0'
$adminSids = @('S-1-5-18', 'S-1-5-32-544')
$hives = @{ HKLM = [Microsoft.Win32.RegistryHive]::LocalMachine; HKCU = [Microsoft.Win32.RegistryHive]::CurrentUser }
$view64 = [Microsoft.Win32.RegistryView]::Registry64

# ---------------------------------------------------------------- Ansible.Basic, compiled once per edition
Function Build-AnsibleBasic {
    param([string]$Source, [string]$Output)
    $core = $PSVersionTable.PSEdition -eq 'Core'
    $clr = if ($core) { 'Core' } else { 'Framework' }
    $text = [System.IO.File]::ReadAllText($Source)
    $references = [System.Collections.Generic.List[String]]@()
    foreach ($line in $text -split "`n") {
        if ($line -match "^//AssemblyReference -(Type|Name) (\S+) -CLR $clr\s*$") {
            if ($Matches[1] -eq 'Type') {
                $references.Add(([type]$Matches[2]).Assembly.Location)
            }
            else {
                $references.Add([System.IO.Path]::GetFileNameWithoutExtension($Matches[2]))
            }
        }
    }
    # Ansible compiles it with WINDOWS (and CORECLR on PowerShell 7) defined; #define must come first.
    $defines = if ($core) { @('#define CORECLR', '#define WINDOWS') } else { @('#define WINDOWS') }
    $source = ($defines -join "`r`n") + "`r`n" + $text
    Add-Type -TypeDefinition $source -ReferencedAssemblies $references -OutputAssembly $Output -IgnoreWarnings
}

# ---------------------------------------------------------------- JSON as ansible-core's wrapper sees it
Function ConvertTo-Plain {
    # Convert-JsonObject of ansible-core's exec wrapper: objects become Hashtables, arrays stay arrays.
    param([AllowNull()]$Value)
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = [ordered]@{}
        foreach ($property in $Value.PSObject.Properties) {
            $table[$property.Name] = ConvertTo-Plain -Value $property.Value
        }
        return , $table
    }
    if ($Value -is [array]) {
        $items = New-Object -TypeName 'System.Collections.Generic.List[Object]'
        foreach ($item in $Value) { $items.Add((ConvertTo-Plain -Value $item)) }
        return , $items.ToArray()
    }
    $Value
}

Function Set-Placeholder {
    # {root} {wow} {dir} {hostname} {user_sid} {repeat:x:n}, as literal text inside msg_match and $match.
    param([AllowNull()]$Value, $Places, [bool]$Regex = $false)
    if ($Value -is [string]) {
        $text = [regex]::Replace($Value, '\{repeat:([^:}]*):(\d+)\}', { param($m) $m.Groups[1].Value * [int]$m.Groups[2].Value })
        foreach ($key in $Places.Keys) {
            $with = if ($Regex) { [regex]::Escape($Places[$key]) } else { $Places[$key] }
            $text = $text.Replace('{' + $key + '}', $with)
        }
        return $text
    }
    if ($Value -is [System.Collections.IDictionary]) {
        $table = [ordered]@{}
        foreach ($key in @($Value.Keys)) {
            $filled = Set-Placeholder -Value $key -Places $Places
            $table[$filled] = Set-Placeholder -Value $Value[$key] -Places $Places -Regex ($key -in 'msg_match', '$match')
        }
        return , $table
    }
    if ($Value -is [array]) {
        return , @($Value | ForEach-Object { , (Set-Placeholder -Value $_ -Places $Places) })
    }
    $Value
}

# ---------------------------------------------------------------- comparing
Function Test-Same {
    # Differences between an expectation ({"$match": regex}, {"$any": true} allowed) and a value.
    param([AllowNull()]$Expected, [AllowNull()]$Actual, [string]$Where)
    $out = [System.Collections.Generic.List[String]]@()
    if ($Expected -is [System.Collections.IDictionary] -and @($Expected.Keys).Count -eq 1 -and $Expected.Contains('$match')) {
        if ($Actual -isnot [string] -or $Actual -cnotmatch "^(?s:$($Expected['$match']))\z") {
            $out.Add("${Where}: '$Actual' does not match $($Expected['$match'])")
        }
        return , $out
    }
    if ($Expected -is [System.Collections.IDictionary] -and @($Expected.Keys).Count -eq 1 -and $Expected.Contains('$any')) {
        return , $out
    }
    if ($Expected -is [System.Collections.IDictionary]) {
        if ($Actual -isnot [System.Collections.IDictionary]) {
            $out.Add("${Where}: expected a mapping, got '$Actual'")
            return , $out
        }
        foreach ($key in $Expected.Keys) {
            if (-not $Actual.Contains($key)) { $out.Add("$Where.${key}: missing"); continue }
            foreach ($problem in (Test-Same -Expected $Expected[$key] -Actual $Actual[$key] -Where "$Where.$key")) { $out.Add($problem) }
        }
        foreach ($key in $Actual.Keys) {
            if (-not $Expected.Contains($key)) { $out.Add("$Where.${key}: unexpected") }
        }
        return , $out
    }
    if ($Expected -is [array]) {
        if ($Actual -isnot [array] -or $Actual.Count -ne $Expected.Count) {
            $out.Add("${Where}: expected $($Expected.Count) item(s), got '$(ConvertTo-Json -InputObject $Actual -Compress -Depth 20)'")
            return , $out
        }
        for ($i = 0; $i -lt $Expected.Count; $i++) {
            foreach ($problem in (Test-Same -Expected $Expected[$i] -Actual $Actual[$i] -Where "$Where[$i]")) { $out.Add($problem) }
        }
        return , $out
    }
    $numbers = $Expected -is [ValueType] -and $Actual -is [ValueType] -and $Expected -isnot [bool] -and $Actual -isnot [bool]
    $same = if ($null -eq $Expected) { $null -eq $Actual }
    elseif ($numbers) { [decimal]$Expected -eq [decimal]$Actual }
    elseif ($Expected -is [string]) { $Actual -is [string] -and [string]::Equals($Expected, $Actual, [StringComparison]::Ordinal) }
    else { $Expected.GetType() -eq $Actual.GetType() -and $Expected -eq $Actual }
    if (-not $same) { $out.Add("${Where}: expected '$Expected', got '$Actual'") }
    , $out
}

# ---------------------------------------------------------------- registry, folders and files of a case
Function Get-DataFromCase {
    # The case's [type, data] (unsigned DWORD/QWORD, hex binary) as SetValue takes it.
    param([string]$Type, $Data)
    switch ($Type) {
        'REG_DWORD' { return @{ Kind = 'DWord'; Value = [BitConverter]::ToInt32([BitConverter]::GetBytes([UInt32][decimal]$Data), 0) } }
        'REG_QWORD' { return @{ Kind = 'QWord'; Value = [BitConverter]::ToInt64([BitConverter]::GetBytes([UInt64][decimal]$Data), 0) } }
        'REG_SZ' { return @{ Kind = 'String'; Value = [string]$Data } }
        'REG_EXPAND_SZ' { return @{ Kind = 'ExpandString'; Value = [string]$Data } }
        'REG_MULTI_SZ' { return @{ Kind = 'MultiString'; Value = [string[]]@($Data) } }
        default {
            $bytes = New-Object -TypeName 'byte[]' -ArgumentList ($Data.Length / 2)
            for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [Convert]::ToByte($Data.Substring($i * 2, 2), 16) }
            $kind = if ($Type -eq 'REG_NONE') { 'None' } else { 'Binary' }
            return @{ Kind = $kind; Value = $bytes }
        }
    }
}

Function Split-KeyPath {
    param([string]$Path)
    $hive, $rest = $Path.Split('\', 2)
    @{ Base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hives[$hive], $view64); Path = $rest }
}

Function New-CaseRegistry {
    param($Registry, $Acl)
    foreach ($path in @($Registry.Keys)) {
        $where = Split-KeyPath -Path $path
        $key = $where.Base.CreateSubKey($where.Path)
        foreach ($name in @($Registry[$path].Keys)) {
            $value = Get-DataFromCase -Type $Registry[$path][$name][0] -Data $Registry[$path][$name][1]
            $key.SetValue($name, $value.Value, [Microsoft.Win32.RegistryValueKind]$value.Kind)
        }
        $key.Dispose()
    }
    foreach ($path in @($Acl.Keys)) {
        $rights = if ($Acl[$path] -eq 'deny_read') { 'QueryValues, EnumerateSubKeys' } else { 'SetValue, CreateSubKey, Delete' }
        Set-KeyDeny -Path $path -Rights $rights -Add $true
    }
}

Function Set-KeyDeny {
    # A Deny ACE for Everyone on one key (not inherited): what the lab's deny_keys fault stands for.
    param([string]$Path, [string]$Rights, [bool]$Add)
    $where = Split-KeyPath -Path $Path
    $access = [System.Security.AccessControl.RegistryRights]'ChangePermissions, ReadPermissions'
    $check = [Microsoft.Win32.RegistryKeyPermissionCheck]::ReadWriteSubTree
    $key = $where.Base.OpenSubKey($where.Path, $check, $access)
    if ($null -eq $key) { return }
    $security = $key.GetAccessControl()
    $rule = New-Object -TypeName System.Security.AccessControl.RegistryAccessRule -ArgumentList @($everyone,
        [System.Security.AccessControl.RegistryRights]$Rights, [System.Security.AccessControl.InheritanceFlags]::None,
        [System.Security.AccessControl.PropagationFlags]::None, [System.Security.AccessControl.AccessControlType]::Deny)
    if ($Add) { $security.AddAccessRule($rule) } else { $null = $security.RemoveAccessRule($rule) }
    $key.SetAccessControl($security)
    $key.Dispose()
}

Function Get-CaseRegistry {
    # {key: {name: [type, data]}} of every key at or below the trees, physical paths in the 64-bit view.
    param([string[]]$Trees)
    $state = [ordered]@{}
    foreach ($tree in $Trees) {
        $where = Split-KeyPath -Path $tree
        $pending = New-Object -TypeName 'System.Collections.Generic.Queue[String]'
        $pending.Enqueue($where.Path)
        while ($pending.Count -gt 0) {
            $path = $pending.Dequeue()
            $key = $where.Base.OpenSubKey($path, $false)
            if ($null -eq $key) { continue }
            $values = [ordered]@{}
            foreach ($name in $key.GetValueNames()) {
                $raw = $key.GetValue($name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
                $kind = $key.GetValueKind($name).ToString()
                $data = switch ($kind) {
                    'DWord' { [decimal][BitConverter]::ToUInt32([BitConverter]::GetBytes([int]$raw), 0) }
                    'QWord' { [decimal][BitConverter]::ToUInt64([BitConverter]::GetBytes([long]$raw), 0) }
                    { $_ -in 'Binary', 'None' } { if ($null -eq $raw) { '' } else { [BitConverter]::ToString($raw).Replace('-', '').ToLowerInvariant() } }
                    'MultiString' { , [object[]]$raw }
                    default { $raw }
                }
                $type = @{ String = 'REG_SZ'; ExpandString = 'REG_EXPAND_SZ'; Binary = 'REG_BINARY'; DWord = 'REG_DWORD'
                    MultiString = 'REG_MULTI_SZ'; QWord = 'REG_QWORD'; None = 'REG_NONE' }[$kind]
                $values[$name] = @($type, $data)
            }
            $state["$($tree.Split('\')[0])\$path"] = $values
            foreach ($sub in $key.GetSubKeyNames()) { $pending.Enqueue("$path\$sub") }
            $key.Dispose()
        }
    }
    $state
}

Function Get-ExpectedRegistry {
    # The case's registry with every key's parents down to its tree, as lab/tlslab/contract.py expects it.
    param($Registry, [string[]]$Trees)
    $state = [ordered]@{}
    foreach ($path in @($Registry.Keys)) {
        $tree = @($Trees | Where-Object { $path.StartsWith($_, [StringComparison]::OrdinalIgnoreCase) })[0]
        $parts = $path.Split('\')
        for ($depth = $tree.Split('\').Count; $depth -lt $parts.Count; $depth++) {
            $parent = $parts[0..($depth - 1)] -join '\'
            if (-not $state.Contains($parent)) { $state[$parent] = [ordered]@{} }
        }
        if (-not $state.Contains($path)) { $state[$path] = [ordered]@{} }
        foreach ($name in @($Registry[$path].Keys)) { $state[$path][$name] = @($Registry[$path][$name]) }
    }
    $state
}

Function Remove-CaseRegistry {
    param([string[]]$Trees, $Acl)
    foreach ($path in @($Acl.Keys)) {
        foreach ($rights in 'QueryValues, EnumerateSubKeys', 'SetValue, CreateSubKey, Delete') {
            try { Set-KeyDeny -Path $path -Rights $rights -Add $false } catch { Write-Verbose "$path : $_" }
        }
    }
    foreach ($tree in $Trees) {
        $where = Split-KeyPath -Path $tree
        $where.Base.DeleteSubKeyTree($where.Path, $false)
    }
}

Function New-CaseFolder {
    param([string]$Path, $Spec)
    if ($Spec.Contains('file') -and $Spec.file) {
        [System.IO.File]::WriteAllText($Path, 'not a folder')
        return
    }
    if ($Spec.Contains('junction')) {
        $null = New-Item -ItemType Junction -Path $Path -Value $Spec.junction
        return
    }
    $null = [System.IO.Directory]::CreateDirectory($Path)
    $security = New-Object -TypeName System.Security.AccessControl.DirectorySecurity
    $security.SetAccessRuleProtection($true, $false)
    $allow = if ($Spec.Contains('allow')) { $Spec.allow } else { $adminSids }
    foreach ($sid in $allow) {
        $identity = New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $sid
        $security.AddAccessRule((New-Object -TypeName System.Security.AccessControl.FileSystemAccessRule -ArgumentList @($identity,
                    'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')))
    }
    $owner = if ($Spec.Contains('owner')) { $Spec.owner } else { $adminSids[1] }
    $security.SetOwner((New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $owner))
    Set-Acl -LiteralPath $Path -AclObject $security
}

Function Get-CaseFiles {
    param([string]$Folder)
    if (-not [System.IO.Directory]::Exists($Folder)) { return , @() }
    , @(Get-ChildItem -LiteralPath $Folder -Recurse -File -Force | ForEach-Object { $_.FullName.Substring($Folder.Length + 1).ToLowerInvariant() })
}

Function Test-AdminOnly {
    param([string]$Path)
    if (-not [System.IO.Directory]::Exists($Path)) { return $false }
    $acl = Get-Acl -LiteralPath $Path
    if ($acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value -notin $adminSids -or -not $acl.AreAccessRulesProtected) {
        return $false
    }
    foreach ($rule in $acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier])) {
        if ($rule.IdentityReference.Value -notin $adminSids) { return $false }
    }
    $true
}

# ---------------------------------------------------------------- one case
Function Invoke-Case {
    param($Case, [string]$Dll, [string]$Runner)
    $places = [ordered]@{
        root = "SOFTWARE\tlsguard-contract\$($Case.name)"
        wow = "SOFTWARE\WOW6432Node\tlsguard-contract\$($Case.name)"
        dir = Join-Path $WorkPath $Case.name
        hostname = [Environment]::MachineName
        user_sid = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
    }
    $Case = Set-Placeholder -Value $Case -Places $places
    $trees = @("HKLM\$($places.root)", "HKCU\$($places.root)", "HKLM\$($places.wow)")
    $registry = if ($Case.Contains('registry')) { $Case.registry } else { [ordered]@{} }
    $acl = if ($Case.Contains('acl')) { $Case.acl } else { [ordered]@{} }
    $problems = [System.Collections.Generic.List[String]]@()
    Remove-CaseRegistry -Trees $trees -Acl ([ordered]@{})
    try {
        $null = [System.IO.Directory]::CreateDirectory($places.dir)
        New-CaseRegistry -Registry $registry -Acl $acl
        if ($Case.Contains('folders')) { foreach ($path in @($Case.folders.Keys)) { New-CaseFolder -Path $path -Spec $Case.folders[$path] } }
        if ($Case.Contains('files')) {
            foreach ($path in @($Case.files.Keys)) {
                $content = $Case.files[$path]
                $text = if ($content -is [string]) { $content } else { ConvertTo-Json -InputObject $content.json -Compress -Depth 20 }
                [System.IO.File]::WriteAllText($path, $text, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
            }
        }
        $before = Get-CaseFiles -Folder $places.dir
        $moduleArgs = [ordered]@{}
        foreach ($key in @($Case.args.Keys)) { $moduleArgs[$key] = $Case.args[$key] }
        $moduleArgs['_ansible_module_name'] = $moduleName
        $moduleArgs['_ansible_check_mode'] = [bool]($Case.Contains('check_mode') -and $Case.check_mode)
        $argsPath = Join-Path $WorkPath "$($Case.name).args.json"
        [System.IO.File]::WriteAllText($argsPath, (ConvertTo-Json -InputObject $moduleArgs -Depth 20 -Compress))
        $exe = (Get-Process -Id $PID).Path
        $output = & $exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $Runner -Dll $Dll -Module $Module -ArgsPath $argsPath
        $line = @($output | Where-Object { "$_".StartsWith('{') })[-1]
        $reply = ConvertTo-Plain -Value (ConvertFrom-Json -InputObject $line)
        foreach ($key in 'invocation', 'exception') { if ($reply.Contains($key)) { $reply.Remove($key) } }
        $expect = $Case.expect
        $failed = $reply.Contains('failed') -and $reply.failed
        $wantFailed = $expect.Contains('failed') -and $expect.failed
        if ($failed -ne $wantFailed) { $problems.Add("failed: expected $wantFailed, got $failed ($($reply.msg))") }
        if ($expect.Contains('msg') -and -not [string]::Equals($expect.msg, $reply.msg, [StringComparison]::Ordinal)) {
            $problems.Add("msg: expected '$($expect.msg)', got '$($reply.msg)'")
        }
        if ($expect.Contains('msg_match') -and "$($reply.msg)" -cnotmatch "^(?s:$($expect.msg_match))\z") {
            $problems.Add("msg: '$($reply.msg)' does not match $($expect.msg_match)")
        }
        if ($expect.Contains('result')) {
            foreach ($key in @($expect.result.Keys)) {
                $actual = if ($reply.Contains($key)) { $reply[$key] } else { '<absent>' }
                foreach ($problem in (Test-Same -Expected $expect.result[$key] -Actual $actual -Where $key)) { $problems.Add($problem) }
            }
        }
        if ($expect.Contains('absent')) {
            foreach ($key in $expect.absent) { if ($reply.Contains($key)) { $problems.Add("${key}: should be absent") } }
        }
        $wanted = if ($Case.Contains('registry_after')) { $Case.registry_after } else { $registry }
        $expected = Get-ExpectedRegistry -Registry $wanted -Trees $trees
        foreach ($problem in (Test-Same -Expected $expected -Actual (Get-CaseRegistry -Trees $trees) -Where 'registry')) { $problems.Add($problem) }
        $filesAfter = if ($Case.Contains('files_after')) { $Case.files_after } else { [ordered]@{} }
        $named = @()
        foreach ($path in @($filesAfter.Keys)) {
            $named += $path.Substring($places.dir.Length + 1).ToLowerInvariant()
            if (-not [System.IO.File]::Exists($path)) { $problems.Add("${path}: missing"); continue }
            $document = ConvertTo-Plain -Value (ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($path)))
            foreach ($problem in (Test-Same -Expected $filesAfter[$path].json -Actual $document -Where $path)) { $problems.Add($problem) }
        }
        foreach ($file in (Get-CaseFiles -Folder $places.dir)) {
            if ($file -notin $before -and $file -notin $named) { $problems.Add("$($places.dir)\${file}: unexpected file") }
        }
        if ($Case.Contains('folders_after')) {
            foreach ($path in @($Case.folders_after.Keys)) {
                $state = $Case.folders_after[$path]
                if ($state -eq 'admin_only' -and -not (Test-AdminOnly -Path $path)) { $problems.Add("${path}: expected an admin-only folder") }
                if ($state -eq 'absent' -and (Test-Path -LiteralPath $path)) { $problems.Add("${path}: should not exist") }
            }
        }
    }
    catch {
        $problems.Add("runner: $($_.Exception.GetBaseException().Message)")
    }
    finally {
        Remove-CaseRegistry -Trees $trees -Acl $acl
        Get-ChildItem -LiteralPath $places.dir -Recurse -Force -Attributes ReparsePoint -ErrorAction SilentlyContinue |
            ForEach-Object { [System.IO.Directory]::Delete($_.FullName) }
        Remove-Item -LiteralPath $places.dir -Recurse -Force -ErrorAction SilentlyContinue
    }
    , $problems
}

# ---------------------------------------------------------------- main
$null = [System.IO.Directory]::CreateDirectory($WorkPath)
$Module = (Resolve-Path -LiteralPath $Module).Path
$dll = Join-Path $WorkPath "Ansible.Basic.$($PSVersionTable.PSEdition).dll"
Build-AnsibleBasic -Source (Resolve-Path -LiteralPath $AnsibleBasic).Path -Output $dll
$runner = Join-Path $WorkPath 'run-module.ps1'
[System.IO.File]::WriteAllText($runner, @'
param([string]$Dll, [string]$Module, [string]$ArgsPath)
Add-Type -Path $Dll
Function Convert-JsonObject {
    param([Parameter(ValueFromPipeline = $true)][AllowNull()][object]$InputObject)
    process {
        if ($InputObject -is [System.Management.Automation.PSCustomObject]) {
            $value = @{}
            foreach ($prop in $InputObject.PSObject.Properties) { $value[$prop.Name] = Convert-JsonObject -InputObject $prop.Value }
            $value
        }
        elseif ($InputObject -is [Array]) { , @($InputObject | Convert-JsonObject) }
        else { $InputObject }
    }
}
$global:complex_args = Get-Content -LiteralPath $ArgsPath -Raw | ConvertFrom-Json | Convert-JsonObject
& $Module
'@)

$passed = 0
$failed = 0
$skipped = 0
foreach ($file in Get-ChildItem -LiteralPath $Cases -Filter '*.json' | Sort-Object -Property Name) {
    foreach ($case in (ConvertTo-Plain -Value (Get-Content -LiteralPath $file.FullName -Raw -Encoding UTF8 | ConvertFrom-Json))) {
        if ($case.name -notlike $Name) { continue }
        if ($case.Contains('windows') -and "$($case.windows)".StartsWith('skip')) {
            $skipped++
            Write-Output "SKIP $($case.name): $($case.windows)"
            continue
        }
        $problems = Invoke-Case -Case $case -Dll $dll -Runner $runner
        if ($problems.Count -eq 0) {
            $passed++
            Write-Output "PASS $($case.name)"
        }
        else {
            $failed++
            Write-Output "FAIL $($case.name)"
            $problems | ForEach-Object { Write-Output "    $_" }
        }
    }
}
Write-Output "PowerShell $($PSVersionTable.PSVersion): $passed passed, $failed failed, $skipped skipped"
if ($failed -gt 0) { exit 1 }

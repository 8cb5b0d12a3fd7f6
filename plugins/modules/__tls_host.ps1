#!powershell
#AnsibleRequires -CSharpUtil Ansible.Basic

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Host-side I/O for tls_info, tls_config and tls_restore. It knows nothing about TLS: it reads registry values,
# applies a list of set/delete operations with a backup first and a rollback on the first failure, and reports a
# few facts. Every path and value arrives as module data; none is ever pasted into script text. Its contract is
# written as data in tests/contract/tls_host/cases; the lab's twin and the Windows runner both execute those cases.

$spec = @{
    options = @{
        read_keys = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                hive = @{ type = 'str'; default = 'HKLM'; choices = @('HKLM', 'HKCU', 'HKU', 'HKCR', 'HKCC') }
                key = @{ type = 'str'; required = $true }
                recurse = @{ type = 'bool'; default = $false }
            }
        }
        read_values = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                hive = @{ type = 'str'; default = 'HKLM'; choices = @('HKLM', 'HKCU', 'HKU', 'HKCR', 'HKCC') }
                key = @{ type = 'str'; required = $true }
                name = @{ type = 'str'; required = $true }
            }
        }
        read_subkey_values = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                hive = @{ type = 'str'; default = 'HKLM'; choices = @('HKLM', 'HKCU', 'HKU', 'HKCR', 'HKCC') }
                key = @{ type = 'str'; required = $true }
                path = @{ type = 'str'; default = '' }
                names = @{ type = 'list'; elements = 'str'; required = $true }
            }
        }
        changes = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                op = @{ type = 'str'; required = $true; choices = @('set', 'delete', 'delete_empty_key') }
                hive = @{ type = 'str'; default = 'HKLM'; choices = @('HKLM', 'HKCU', 'HKU', 'HKCR', 'HKCC') }
                key = @{ type = 'str'; required = $true }
                name = @{ type = 'str'; default = '' }
                type = @{
                    type = 'str'
                    choices = @('REG_SZ', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_DWORD', 'REG_MULTI_SZ', 'REG_QWORD', 'REG_NONE')
                }
                data = @{ type = 'raw' }
            }
            required_if = @(, @('op', 'set', @('type', 'data')))
        }
        backup_dir = @{ type = 'str'; default = '%ProgramData%\tlsguard\backups' }
        backup_id = @{ type = 'str' }
        read_backup = @{ type = 'str' }
        check_backup_dir = @{ type = 'bool'; default = $false }
        hotfixes = @{ type = 'list'; elements = 'str'; default = @() }
        facts = @{ type = 'bool'; default = $false }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$hives = @{
    HKLM = [Microsoft.Win32.RegistryHive]::LocalMachine
    HKCU = [Microsoft.Win32.RegistryHive]::CurrentUser
    HKU = [Microsoft.Win32.RegistryHive]::Users
    HKCR = [Microsoft.Win32.RegistryHive]::ClassesRoot
    HKCC = [Microsoft.Win32.RegistryHive]::CurrentConfig
}
$idPattern = '^[A-Za-z0-9_][A-Za-z0-9_.-]*\z'
$idRule = "letters, digits, '_', '.' and '-', not starting with '.' or '-'"
$adminSids = @('S-1-5-18', 'S-1-5-32-544')   # SYSTEM, BUILTIN\Administrators
$creatorOwnerSid = 'S-1-3-0'
$maxHotfixes = 64
$maxSubkeyNames = 32
$maxSubkeys = 4096   # subkeys enumerated per read_subkey_values item; more sets 'truncated'
$ordinal = [System.StringComparison]::OrdinalIgnoreCase

Function Get-ErrorText {
    # The .NET exception's own message, without PowerShell's 'Exception calling "X" with "n" argument(s)' wrapper.
    param($ErrorRecord)
    $ErrorRecord.Exception.GetBaseException().Message
}

Function Get-KindText {
    # How a JSON value is described in messages; the same words in the lab's twin.
    param($Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [string]) { return 'a string' }
    if ($Value -is [bool]) { return 'a boolean' }
    if ($Value -is [System.Collections.IDictionary]) { return 'a dict' }
    if ($Value -is [System.Collections.IList]) { return 'a list' }
    'a number'
}

Function ConvertTo-KeyPath {
    # 'A\\B\' -> 'A\B': the form every key is echoed and compared in.
    param([string]$Key)
    @($Key.Split('\') | Where-Object { $_ -ne '' }) -join '\'
}

# ---------------------------------------------------------------- validation (before any registry or file access)
Function Test-Entry {
    # Checks Ansible.Basic leaves to the module: explicit nulls, empty keys, NUL characters.
    param($Entry, [string]$Where, [bool]$NeedsName)
    if ($null -eq $Entry.hive) {
        $module.FailJson("${Where}.hive: must be one of HKLM, HKCU, HKU, HKCR, HKCC, not null")
    }
    if ($null -eq $Entry.key -or (ConvertTo-KeyPath -Key $Entry.key) -eq '') {
        $module.FailJson("${Where}.key: must name a key below the hive")
    }
    if ($Entry.key.Contains([string][char]0)) {
        $module.FailJson("${Where}.key: must not contain NUL characters")
    }
    if ($NeedsName) {
        if ($null -eq $Entry.name) {
            $module.FailJson("${Where}.name: must be a string ('' names the key's default value), not null")
        }
        if ($Entry.name.Contains([string][char]0)) {
            $module.FailJson("${Where}.name: must not contain NUL characters")
        }
    }
}

Function Test-SubkeyRead {
    # read_subkey_values[i]: the key as for read_keys, a relative path and 1 to 32 value names.
    param($Entry, [string]$Where)
    Test-Entry -Entry $Entry -Where $Where -NeedsName $false
    if ($null -eq $Entry.path) {
        $module.FailJson("${Where}.path: must be a string ('' reads each subkey itself), not null")
    }
    if ($Entry.path.StartsWith('\') -or $Entry.path.Contains([string][char]0)) {
        $module.FailJson("${Where}.path: must be a path relative to each subkey, without a leading '\' or NUL characters")
    }
    if ($null -eq $Entry.names -or $Entry.names.Count -eq 0) {
        $module.FailJson("${Where}.names: give 1 to $maxSubkeyNames value names")
    }
    if ($Entry.names.Count -gt $maxSubkeyNames) {
        $module.FailJson("${Where}.names: at most $maxSubkeyNames names, not $($Entry.names.Count)")
    }
    for ($j = 0; $j -lt $Entry.names.Count; $j++) {
        if ($null -eq $Entry.names[$j] -or $Entry.names[$j].Contains([string][char]0)) {
            $module.FailJson("${Where}.names[$j]: must be a value name without NUL characters")
        }
    }
}

Function ConvertTo-WholeNumber {
    # A JSON number without fraction as [decimal]; 'fraction' or 'range' when it is not one; $null when not a number.
    param($Value)
    if ($null -eq $Value -or $Value -is [string] -or $Value -is [bool] -or $Value -is [System.Collections.IEnumerable]) {
        return $null
    }
    if ($Value -is [double] -or $Value -is [single]) {
        if ([double]::IsNaN($Value) -or [double]::IsInfinity($Value)) { return 'range' }
        if ([Math]::Floor($Value) -ne $Value) { return 'fraction' }
    }
    try {
        $number = [decimal]$Value
    }
    catch {
        return 'range'
    }
    if ([decimal]::Truncate($number) -ne $number) { return 'fraction' }
    $number
}

Function ConvertFrom-ValueData {
    # Module data -> what RegistryKey.SetValue takes. DWORD/QWORD: unsigned from the controller, signed from a backup
    # (as .NET read it); binary: hex text; REG_MULTI_SZ: a list of strings. Anything else fails, naming the option.
    param([string]$Type, $Data, [string]$Where)
    switch ($Type.ToUpperInvariant()) {
        { $_ -in 'REG_DWORD', 'REG_QWORD' } {
            $low, $high, $kind = if ($_ -eq 'REG_DWORD') { [decimal]'-2147483648', [decimal]'4294967295', 'DWord' }
            else { [decimal]'-9223372036854775808', [decimal]'18446744073709551615', 'QWord' }
            $number = ConvertTo-WholeNumber -Value $Data
            $problem = if ($null -eq $number) { Get-KindText -Value $Data }
            elseif ($number -is [string] -and $number -eq 'fraction') { 'a number with a fraction' }
            elseif ($number -is [string] -or $number -lt $low -or $number -gt $high) { 'a number outside that range' }
            if ($problem) {
                $module.FailJson("${Where}.data: $_ data must be a whole number from $low to $high, not $problem")
            }
            if ($kind -eq 'DWord') {
                $value = if ($number -lt 0) { [Int32]$number } else { [BitConverter]::ToInt32([BitConverter]::GetBytes([UInt32]$number), 0) }
            }
            else {
                $value = if ($number -lt 0) { [Int64]$number } else { [BitConverter]::ToInt64([BitConverter]::GetBytes([UInt64]$number), 0) }
            }
            return @{ Kind = $kind; Value = $value }
        }
        { $_ -in 'REG_SZ', 'REG_EXPAND_SZ' } {
            if ($Data -isnot [string]) {
                $module.FailJson("${Where}.data: $_ data must be a string, not $(Get-KindText -Value $Data)")
            }
            $kind = if ($_ -eq 'REG_SZ') { 'String' } else { 'ExpandString' }
            return @{ Kind = $kind; Value = $Data }
        }
        'REG_MULTI_SZ' {
            if ($Data -is [string] -or $Data -isnot [System.Collections.IList] -or $Data -is [System.Collections.IDictionary]) {
                $module.FailJson("${Where}.data: REG_MULTI_SZ data must be a list of strings, not $(Get-KindText -Value $Data)")
            }
            $strings = New-Object -TypeName 'string[]' -ArgumentList $Data.Count
            for ($i = 0; $i -lt $Data.Count; $i++) {
                if ($Data[$i] -isnot [string]) {
                    $module.FailJson("${Where}.data[$i]: REG_MULTI_SZ data must be a list of strings, not $(Get-KindText -Value $Data[$i])")
                }
                $strings[$i] = $Data[$i]
            }
            return @{ Kind = 'MultiString'; Value = $strings }
        }
        default {
            # REG_BINARY and REG_NONE
            if ($Data -isnot [string] -or $Data -cnotmatch '^(?:[0-9A-Fa-f]{2})*\z') {
                $got = if ($Data -isnot [string]) { Get-KindText -Value $Data }
                elseif ($Data.Length -gt 20) { "'$($Data.Substring(0, 20))...'" }
                else { "'$Data'" }
                $module.FailJson("${Where}.data: $_ data must be hex text with two digits per byte such as '01ff', not $got")
            }
            $bytes = New-Object -TypeName 'byte[]' -ArgumentList ($Data.Length / 2)
            for ($i = 0; $i -lt $bytes.Length; $i++) {
                $bytes[$i] = [Convert]::ToByte($Data.Substring($i * 2, 2), 16)
            }
            $kind = if ($_ -eq 'REG_NONE') { 'None' } else { 'Binary' }
            return @{ Kind = $kind; Value = $bytes }
        }
    }
}

Function Resolve-BackupDir {
    # '%ProgramData%\tlsguard\backups' -> 'C:\ProgramData\tlsguard\backups' by text rules only (no file access, no
    # PowerShell provider): a local absolute path, '.' and '..' resolved, no reserved or ambiguous folder names.
    param($Raw)
    $example = 'such as C:\ProgramData\tlsguard\backups'
    if ($null -eq $Raw) {
        $module.FailJson("backup_dir: must be a local absolute path $example, not null")
    }
    $path = [Environment]::ExpandEnvironmentVariables($Raw)
    if ($path -match '[\x00-\x1f<>"|?*]') {
        $module.FailJson("backup_dir: '$path' contains characters Windows does not allow in a path")
    }
    if ($path -cnotmatch '^[A-Za-z]:[\\/]') {
        $module.FailJson("backup_dir: '$path' is not a local absolute path ($example)")
    }
    $folders = [System.Collections.Generic.List[String]]@()
    foreach ($part in $path.Substring(3).Split([char[]]@('\', '/'))) {
        if ($part -eq '' -or $part -eq '.') { continue }
        if ($part -eq '..') {
            if ($folders.Count -gt 0) { $folders.RemoveAt($folders.Count - 1) }
            continue
        }
        if ($part.Contains(':')) {
            $module.FailJson("backup_dir: '$path' contains characters Windows does not allow in a path")
        }
        if ($part.EndsWith('.') -or $part.EndsWith(' ')) {
            $module.FailJson("backup_dir: '$path': the folder name '$part' ends with a dot or a space")
        }
        if ($part -match '^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?\z') {
            $module.FailJson("backup_dir: '$path': '$part' is a reserved device name")
        }
        $folders.Add($part)
    }
    if ($folders.Count -eq 0) {
        $module.FailJson("backup_dir: '$path' is a drive root; give a folder ($example)")
    }
    $path.Substring(0, 1).ToUpperInvariant() + ':\' + ($folders -join '\')
}

$params = $module.Params
if ($params.hotfixes.Count -gt $maxHotfixes) {
    $module.FailJson("hotfixes: at most $maxHotfixes ids, not $($params.hotfixes.Count)")
}
$hotfixIds = [System.Collections.Generic.List[String]]@()
for ($i = 0; $i -lt $params.hotfixes.Count; $i++) {
    $id = $params.hotfixes[$i]
    if ($id -cnotmatch '^[Kk][Bb][0-9]+\z') {
        $module.FailJson("hotfixes[$i]: '$id' is not a hotfix id (KB followed by digits, for example KB5005112)")
    }
    $hotfixIds.Add($id.ToUpperInvariant())
}
foreach ($option in 'backup_id', 'read_backup') {
    $id = $params[$option]
    if ($null -ne $id -and $id -cnotmatch $idPattern) {
        $module.FailJson("${option}: '$id' is not a backup id ($idRule)")
    }
}
$backupDir = Resolve-BackupDir -Raw $params.backup_dir
for ($i = 0; $i -lt $params.read_keys.Count; $i++) {
    Test-Entry -Entry $params.read_keys[$i] -Where "read_keys[$i]" -NeedsName $false
}
for ($i = 0; $i -lt $params.read_values.Count; $i++) {
    Test-Entry -Entry $params.read_values[$i] -Where "read_values[$i]" -NeedsName $true
}
for ($i = 0; $i -lt $params.read_subkey_values.Count; $i++) {
    Test-SubkeyRead -Entry $params.read_subkey_values[$i] -Where "read_subkey_values[$i]"
}
$changes = $params.changes
$converted = @{}
for ($i = 0; $i -lt $changes.Count; $i++) {
    $change = $changes[$i]
    if ($null -eq $change.op) {
        $module.FailJson("changes[$i].op: must be one of set, delete, delete_empty_key, not null")
    }
    Test-Entry -Entry $change -Where "changes[$i]" -NeedsName ($change.op -ne 'delete_empty_key')
    if ($change.op -eq 'set') {
        if ($null -eq $change.type) {
            $module.FailJson("changes[$i].type: required when op is set")
        }
        $converted[$i] = ConvertFrom-ValueData -Type $change.type -Data $change.data -Where "changes[$i]"
    }
}
if ($changes.Count -gt 0 -and $null -eq $params.backup_id) {
    $module.FailJson('backup_id: required when changes are given (every change is backed up first)')
}

# ---------------------------------------------------------------- registry
Function Get-KeyLocation {
    # HKLM\SOFTWARE\WOW6432Node\... is opened in the 32-bit view without that component; everything else in the
    # 64-bit view by its path, so a 32-bit PowerShell still sees the 64-bit registry.
    param([string]$Hive, [string]$Key)
    $parts = @($Key.Split('\') | Where-Object { $_ -ne '' })
    $view = [Microsoft.Win32.RegistryView]::Registry64
    $upper = $Hive.ToUpperInvariant()
    $wow = $upper -eq 'HKLM' -and $parts.Count -ge 2 -and [string]::Equals($parts[0], 'SOFTWARE', $ordinal) -and
        [string]::Equals($parts[1], 'WOW6432Node', $ordinal)
    if ($wow -and [Environment]::Is64BitOperatingSystem) {
        $view = [Microsoft.Win32.RegistryView]::Registry32
        $parts = @($parts[0]) + @($parts | Select-Object -Skip 2)
    }
    @{ Base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hives[$upper], $view); Path = $parts -join '\' }
}

Function Open-Key {
    # The key opened for reading, or $null when it does not exist; throws when it cannot be read.
    param([string]$Hive, [string]$Key)
    $location = Get-KeyLocation -Hive $Hive -Key $Key
    try {
        $location.Base.OpenSubKey($location.Path, $false)
    }
    finally {
        $location.Base.Dispose()
    }
}

Function Get-ValueData {
    # Registry data as JSON can carry it: DWORD/QWORD as the signed integers .NET returns, binary as hex text.
    # Kinds outside the seven standard ones come back as @{ unsupported = <kind> } and are never disguised.
    param($RegKey, [string]$Name)
    $kind = $RegKey.GetValueKind($Name)
    $raw = $RegKey.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    switch ($kind.ToString()) {
        'String' { return @{ type = 'REG_SZ'; data = $raw } }
        'ExpandString' { return @{ type = 'REG_EXPAND_SZ'; data = $raw } }
        'MultiString' { return @{ type = 'REG_MULTI_SZ'; data = $raw } }
        'DWord' {
            if ($raw -isnot [int]) { return @{ unsupported = 'DWord (more than 4 bytes)' } }
            return @{ type = 'REG_DWORD'; data = $raw }
        }
        'QWord' {
            if ($raw -isnot [long]) { return @{ unsupported = 'QWord (more than 8 bytes)' } }
            return @{ type = 'REG_QWORD'; data = $raw }
        }
        { $_ -in 'Binary', 'None' } {
            $hex = if ($null -eq $raw) { '' } else { [BitConverter]::ToString($raw).Replace('-', '').ToLowerInvariant() }
            $type = if ($_ -eq 'Binary') { 'REG_BINARY' } else { 'REG_NONE' }
            return @{ type = $type; data = $hex }
        }
        default { return @{ unsupported = $_ } }
    }
}

Function Add-Value {
    # Puts one read value into the reply: registry_values, or unsupported_values for the other kinds.
    param([string]$Hive, [string]$Key, [string]$Name, $Value)
    if ($Value.ContainsKey('unsupported')) {
        $unsupported.Add(@{ hive = $Hive; key = $Key; name = $Name; kind = $Value.unsupported })
    }
    else {
        $values.Add(@{ hive = $Hive; key = $Key; name = $Name; type = $Value.type; data = $Value.data })
    }
}

Function Read-Key {
    param([string]$Hive, [string]$Key, [bool]$Recurse, [string]$Where)
    try {
        $regKey = Open-Key -Hive $Hive -Key $Key
    }
    catch {
        $module.FailJson("${Where}: cannot read $Hive\${Key}: $(Get-ErrorText -ErrorRecord $_)", $_)
    }
    if ($null -eq $regKey) {
        return $false
    }
    try {
        foreach ($name in $regKey.GetValueNames()) {
            Add-Value -Hive $Hive -Key $Key -Name $name -Value (Get-ValueData -RegKey $regKey -Name $name)
        }
        $subkeys = if ($Recurse) { $regKey.GetSubKeyNames() } else { @() }
    }
    finally {
        $regKey.Dispose()
    }
    foreach ($sub in $subkeys) {
        $null = Read-Key -Hive $Hive -Key "$Key\$sub" -Recurse $true -Where $Where
    }
    $true
}

Function Find-Value {
    # The value as it is now: @{ name = <as the registry spells it>; ... } or $null when absent.
    param([string]$Hive, [string]$Key, [string]$Name, [string]$Where)
    try {
        $regKey = Open-Key -Hive $Hive -Key $Key
        if ($null -eq $regKey) {
            return $null
        }
        try {
            # Value names match ordinally and case-insensitively, as the registry compares them.
            foreach ($candidate in $regKey.GetValueNames()) {
                if ([string]::Equals($candidate, $Name, $ordinal)) {
                    $value = Get-ValueData -RegKey $regKey -Name $candidate
                    $value.name = $candidate
                    return $value
                }
            }
        }
        finally {
            $regKey.Dispose()
        }
    }
    catch {
        $module.FailJson("${Where}: cannot read $Hive\${Key}: $(Get-ErrorText -ErrorRecord $_)", $_)
    }
    $null
}

Function Read-SubkeyValues {
    # One read_subkey_values item: the named values of <key>\<subkey>\<path> for each direct subkey (at most
    # $maxSubkeys). An unreadable parent key fails the module (nothing could be said about it); an unreadable
    # subkey, or a value of a kind tls_host does not read, is left out and named in 'errors'.
    param($Read, [string]$Where)
    $hive = $Read.hive.ToUpperInvariant()
    $key = ConvertTo-KeyPath -Key $Read.key
    $path = ConvertTo-KeyPath -Key $Read.path
    $entry = @{ hive = $hive; key = $key; path = $path; missing = $false; truncated = $false
        subkeys = [System.Collections.Generic.List[Object]]@(); errors = [System.Collections.Generic.List[String]]@() }
    try {
        $parent = Open-Key -Hive $hive -Key $key
        if ($null -eq $parent) {
            $entry.missing = $true
            return $entry
        }
        try {
            $names = @($parent.GetSubKeyNames())
        }
        finally {
            $parent.Dispose()
        }
    }
    catch {
        $module.FailJson("${Where}: cannot read $hive\${key}: $(Get-ErrorText -ErrorRecord $_)", $_)
    }
    if ($names.Count -gt $maxSubkeys) {
        $entry.truncated = $true
        $names = $names[0..($maxSubkeys - 1)]
    }
    foreach ($sub in $names) {
        $target = if ($path -eq '') { "$key\$sub" } else { "$key\$sub\$path" }
        $found = [System.Collections.Generic.List[Object]]@()
        try {
            $regKey = Open-Key -Hive $hive -Key $target
        }
        catch {
            $entry.errors.Add("$hive\${target}: $(Get-ErrorText -ErrorRecord $_)")
            continue
        }
        if ($null -ne $regKey) {
            try {
                foreach ($name in $regKey.GetValueNames()) {
                    $wanted = $false
                    foreach ($asked in $Read.names) {
                        if ([string]::Equals($name, $asked, $ordinal)) { $wanted = $true }
                    }
                    if (-not $wanted) { continue }
                    $value = Get-ValueData -RegKey $regKey -Name $name
                    if ($value.ContainsKey('unsupported')) {
                        $entry.errors.Add("$hive\$target\${name}: a value of a kind tls_host does not read ($($value.unsupported))")
                        continue
                    }
                    $found.Add(@{ name = $name; type = $value.type; data = $value.data })
                }
            }
            finally {
                $regKey.Dispose()
            }
        }
        $entry.subkeys.Add(@{ name = $sub; values = $found })
    }
    $entry
}

Function Test-KeyExists {
    param([string]$Hive, [string]$Key, [string]$Where)
    try {
        $regKey = Open-Key -Hive $Hive -Key $Key
    }
    catch {
        $module.FailJson("${Where}: cannot read $Hive\${Key}: $(Get-ErrorText -ErrorRecord $_)", $_)
    }
    if ($null -eq $regKey) {
        return $false
    }
    $regKey.Dispose()
    $true
}

# ---------------------------------------------------------------- backup folder and files
Function Get-FolderProblem {
    # Why the backup folder cannot be trusted, or $null. A missing folder is fine (it is created admin-only); an
    # existing one must be a real folder (no junction or link anywhere on the way) owned by and open only to
    # SYSTEM and Administrators, or a non-administrator could read, plant or change backups that tls_restore applies.
    param([string]$Folder)
    $fix = 'check the backups in it, then give it owner BUILTIN\Administrators and access for SYSTEM and ' +
    'Administrators only (or remove it: tls_host creates it so)'
    $path = $Folder.Substring(0, 2)
    foreach ($part in $Folder.Substring(3).Split('\')) {
        $path = "$path\$part"
        if ([System.IO.File]::Exists($path)) {
            return "backup_dir: $path is a file, not a folder"
        }
        if (-not [System.IO.Directory]::Exists($path)) {
            return $null
        }
        if (([System.IO.File]::GetAttributes($path) -band [System.IO.FileAttributes]::ReparsePoint) -ne 0) {
            return "backup_dir: $path is a junction or symbolic link; tls_host keeps backups only in a real folder"
        }
    }
    $acl = Get-Acl -LiteralPath $Folder -ErrorAction Stop
    $owner = $acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
    if ($owner -notin $adminSids) {
        return "backup_dir: $Folder is owned by $owner, not by Administrators or SYSTEM; a non-administrator may " +
        "have created it to read or plant backups: $fix"
    }
    $others = [System.Collections.Generic.List[String]]@()
    foreach ($rule in $acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier])) {
        $sid = $rule.IdentityReference.Value
        $allowed = $sid -in $adminSids -or $sid -eq $creatorOwnerSid
        if ($rule.AccessControlType -eq 'Allow' -and -not $allowed -and -not $others.Contains($sid)) {
            $others.Add($sid)
        }
    }
    if ($others.Count -gt 0) {
        return "backup_dir: $Folder gives $($others -join ', ') access; only SYSTEM and Administrators may have " +
        "access, or a non-administrator could read or plant backups: $fix"
    }
    $null
}

Function Get-FolderCheck {
    # Get-FolderProblem, with a failure to look turned into a problem too.
    param([string]$Folder)
    try {
        Get-FolderProblem -Folder $Folder
    }
    catch {
        "backup_dir: cannot check ${Folder}: $(Get-ErrorText -ErrorRecord $_)"
    }
}

Function Confirm-BackupFolder {
    # The folder is usable afterwards or the module has failed; created with an explicit protected DACL.
    param([string]$Folder)
    $problem = Get-FolderCheck -Folder $Folder
    if ($null -ne $problem) {
        $module.FailJson("$problem; nothing was changed")
    }
    if ([System.IO.Directory]::Exists($Folder)) {
        return
    }
    $security = New-Object -TypeName System.Security.AccessControl.DirectorySecurity
    $security.SetAccessRuleProtection($true, $false)
    $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
    foreach ($sid in $adminSids) {
        $identity = New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $sid
        $rule = New-Object -TypeName System.Security.AccessControl.FileSystemAccessRule -ArgumentList @(
            $identity, [System.Security.AccessControl.FileSystemRights]::FullControl, $inherit,
            [System.Security.AccessControl.PropagationFlags]::None, [System.Security.AccessControl.AccessControlType]::Allow)
        $security.AddAccessRule($rule)
    }
    $security.SetOwner((New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $adminSids[1]))
    $failure = $null
    try {
        if ($PSVersionTable.PSVersion.Major -ge 6) {
            [System.IO.FileSystemAclExtensions]::Create((New-Object -TypeName System.IO.DirectoryInfo -ArgumentList $Folder), $security)
        }
        else {
            $null = [System.IO.Directory]::CreateDirectory($Folder, $security)
        }
    }
    catch {
        $failure = $_
    }
    if ($null -ne $failure) {
        $module.FailJson("backup_dir: cannot create ${Folder}; nothing was changed: $(Get-ErrorText -ErrorRecord $failure)", $failure)
    }
}

Function Write-Backup {
    # Atomically: a new file in the same folder, then moved (first write) or swapped (later writes) into place.
    param($Backup, [bool]$First)
    $json = ConvertTo-Json -InputObject $Backup -Depth 6
    $temp = [System.IO.Path]::Combine($backupDir, "$($Backup.id).$([Guid]::NewGuid().ToString('N')).tmp")
    $mode = [System.IO.FileMode]::CreateNew
    $stream = New-Object -TypeName System.IO.FileStream -ArgumentList @($temp, $mode, [System.IO.FileAccess]::Write)
    try {
        $bytes = (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false).GetBytes($json)
        $stream.Write($bytes, 0, $bytes.Length)
        $stream.Flush($true)
    }
    finally {
        $stream.Dispose()
    }
    try {
        if ($First) {
            [System.IO.File]::Move($temp, $Backup.path)
        }
        else {
            [System.IO.File]::Replace($temp, $Backup.path, $null)
        }
    }
    catch {
        [System.IO.File]::Delete($temp)
        throw
    }
}

Function Read-BackupDocument {
    # The text of backup $Id, or $null when there is none; the folder must pass the same checks as for writing.
    param([string]$Id)
    $problem = Get-FolderCheck -Folder $backupDir
    if ($null -ne $problem) {
        $module.FailJson($problem)
    }
    $path = [System.IO.Path]::Combine($backupDir, "$Id.json")
    $text = $null
    $link = $false
    $failure = $null
    try {
        if ([System.IO.File]::Exists($path)) {
            $link = ([System.IO.File]::GetAttributes($path) -band [System.IO.FileAttributes]::ReparsePoint) -ne 0
            if (-not $link) {
                $text = [System.IO.File]::ReadAllText($path)
            }
        }
    }
    catch {
        $failure = $_
    }
    if ($null -ne $failure) {
        $module.FailJson("read_backup: cannot read ${path}: $(Get-ErrorText -ErrorRecord $failure)", $failure)
    }
    if ($link) {
        $module.FailJson("read_backup: $path is a symbolic link; tls_host reads only real backup files")
    }
    $text
}

# ---------------------------------------------------------------- changes
Function Invoke-Change {
    # Applies change $Index (its data already converted); returns whether a delete_empty_key removed the key.
    param($Change, $Value)
    $location = Get-KeyLocation -Hive $Change.hive -Key $Change.key
    try {
        switch ($Change.op) {
            'delete_empty_key' {
                $regKey = $location.Base.OpenSubKey($location.Path, $false)
                if ($null -eq $regKey) {
                    return $false
                }
                $empty = $regKey.ValueCount -eq 0 -and $regKey.SubKeyCount -eq 0
                $regKey.Dispose()
                if ($empty) {
                    $location.Base.DeleteSubKey($location.Path, $false)
                }
                return $empty
            }
            'delete' {
                $regKey = $location.Base.OpenSubKey($location.Path, $true)
                if ($null -ne $regKey) {
                    try {
                        $regKey.DeleteValue($Change.name, $false)
                    }
                    finally {
                        $regKey.Dispose()
                    }
                }
                return $false
            }
            default {
                $regKey = $location.Base.CreateSubKey($location.Path)  # writable; the (path, bool) overload needs .NET 4.6
                try {
                    $regKey.SetValue($Change.name, $Value.Value, [Microsoft.Win32.RegistryValueKind]$Value.Kind)
                }
                finally {
                    $regKey.Dispose()
                }
                return $false
            }
        }
    }
    finally {
        $location.Base.Dispose()
    }
}

Function Get-ChangePlace {
    # HKLM\key\name of a change (HKLM\key for delete_empty_key), as messages name it.
    param($Change)
    $place = "$($Change.hive.ToUpperInvariant())\$(ConvertTo-KeyPath -Key $Change.key)"
    if ($Change.op -eq 'delete_empty_key') { $place } else { "$place\$($Change.name)" }
}

Function Undo-Changes {
    # Puts back changes 0..$Count-1 in reverse, recreates keys delete_empty_key removed, then removes the keys
    # the changes created (deepest first) when they are empty again. Returns what could not be undone.
    param([int]$Count)
    $failures = [System.Collections.Generic.List[String]]@()
    for ($j = $Count - 1; $j -ge 0; $j--) {
        $change = $changes[$j]
        $hive = $change.hive.ToUpperInvariant()
        $key = ConvertTo-KeyPath -Key $change.key
        try {
            if ($change.op -eq 'delete_empty_key') {
                if ($removedKeys.Contains($j)) {
                    $location = Get-KeyLocation -Hive $hive -Key $key
                    try {
                        $location.Base.CreateSubKey($location.Path).Dispose()
                    }
                    finally {
                        $location.Base.Dispose()
                    }
                }
                continue
            }
            $entry = $entryFor[$j]
            if ($entry.existed) {
                $null = Invoke-Change -Change @{ op = 'set'; hive = $hive; key = $key; name = $entry.name } -Value $restoreFor[$j]
            }
            else {
                $null = Invoke-Change -Change @{ op = 'delete'; hive = $hive; key = $key; name = $entry.name } -Value $null
            }
        }
        catch {
            $failures.Add("$(Get-ChangePlace -Change $change): $(Get-ErrorText -ErrorRecord $_)")
        }
    }
    for ($j = $plannedKeys.Count - 1; $j -ge 0; $j--) {
        $created = $plannedKeys[$j]
        try {
            $null = Invoke-Change -Change @{ op = 'delete_empty_key'; hive = $created.hive; key = $created.key } -Value $null
        }
        catch {
            $failures.Add("$($created.hive)\$($created.key): $(Get-ErrorText -ErrorRecord $_)")
        }
    }
    , $failures
}

# ---------------------------------------------------------------- reads (the state before any change of this call)
$values = [System.Collections.Generic.List[Object]]@()
$unsupported = [System.Collections.Generic.List[Object]]@()
$missing = [System.Collections.Generic.List[Object]]@()
for ($i = 0; $i -lt $params.read_keys.Count; $i++) {
    $read = $params.read_keys[$i]
    $hive = $read.hive.ToUpperInvariant()
    $key = ConvertTo-KeyPath -Key $read.key
    if (-not (Read-Key -Hive $hive -Key $key -Recurse $read.recurse -Where "read_keys[$i]")) {
        $missing.Add(@{ hive = $hive; key = $key })
    }
}
for ($i = 0; $i -lt $params.read_values.Count; $i++) {
    $read = $params.read_values[$i]
    $hive = $read.hive.ToUpperInvariant()
    $key = ConvertTo-KeyPath -Key $read.key
    $found = Find-Value -Hive $hive -Key $key -Name $read.name -Where "read_values[$i]"
    if ($null -ne $found) {
        Add-Value -Hive $hive -Key $key -Name $found.name -Value $found
    }
}
$subkeyValues = [System.Collections.Generic.List[Object]]@()
for ($i = 0; $i -lt $params.read_subkey_values.Count; $i++) {
    $subkeyValues.Add((Read-SubkeyValues -Read $params.read_subkey_values[$i] -Where "read_subkey_values[$i]"))
}
if ($null -ne $params.read_backup) {
    $document = Read-BackupDocument -Id $params.read_backup
    $module.Result['backup_document'] = $document
    # The backup's values are read too, so a restore compares with the host in this same round trip.
    $parsed = $null
    if ($null -ne $document) {
        try { $parsed = ConvertFrom-Json -InputObject $document } catch { $parsed = $null }
    }
    $entries = if ($null -ne $parsed -and $parsed.PSObject.Properties['entries']) { @($parsed.entries) } else { @() }
    foreach ($entry in $entries) {
        if ($null -eq $entry -or $entry.hive -isnot [string] -or $entry.key -isnot [string]) { continue }
        $name = if ($null -eq $entry.name) { '' } else { $entry.name }
        $hive = $entry.hive.ToUpperInvariant()
        $key = ConvertTo-KeyPath -Key $entry.key
        if ($name -isnot [string] -or -not $hives.ContainsKey($hive) -or $key -eq '') { continue }
        $found = Find-Value -Hive $hive -Key $key -Name $name -Where 'read_backup'
        if ($null -ne $found) {
            Add-Value -Hive $hive -Key $key -Name $found.name -Value $found
        }
    }
}
# Result keys are set with the indexer: 'values' would hit the Values property of the result dictionary.
$module.Result['registry_values'] = $values
$module.Result['unsupported_values'] = $unsupported
$module.Result['missing_keys'] = $missing
$module.Result['subkey_values'] = $subkeyValues

if ($params.facts) {
    try {
        $os = Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime -ErrorAction Stop
    }
    catch {
        $module.FailJson("facts: cannot read the last boot time from Win32_OperatingSystem: $(Get-ErrorText -ErrorRecord $_)", $_)
    }
    $principal = New-Object -TypeName Security.Principal.WindowsPrincipal -ArgumentList ([Security.Principal.WindowsIdentity]::GetCurrent())
    $module.Result['facts'] = @{
        hostname = [Environment]::MachineName
        x64 = [Environment]::Is64BitOperatingSystem
        is_admin = $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        last_boot = $os.LastBootUpTime.ToUniversalTime().ToString('o')
        powershell_version = $PSVersionTable.PSVersion.ToString()
    }
}

if ($hotfixIds.Count -gt 0) {
    # Which of the queried updates Win32_QuickFixEngineering lists; when it cannot be asked, none is reported
    # installed and 'error' says why (the caller then knows nothing about them, rather than that they are missing).
    $installed = [System.Collections.Generic.List[String]]@()
    $hotfixError = $null
    try {
        $listed = @{}
        foreach ($fix in @(Get-CimInstance -ClassName Win32_QuickFixEngineering -Property HotFixID -ErrorAction Stop)) {
            if ($fix.HotFixID) {
                $listed[$fix.HotFixID.ToUpperInvariant()] = $true
            }
        }
        foreach ($id in $hotfixIds) {
            if ($listed.ContainsKey($id)) {
                $installed.Add($id)
            }
        }
    }
    catch {
        $installed.Clear()
        $hotfixError = "Win32_QuickFixEngineering: $(Get-ErrorText -ErrorRecord $_)"
    }
    $module.Result['hotfixes'] = @{ queried = $hotfixIds; installed = $installed; error = $hotfixError }
}

if ($params.check_backup_dir) {
    $module.Result['backup_dir_problem'] = Get-FolderCheck -Folder $backupDir
}

if ($changes.Count -eq 0) {
    $module.ExitJson()
}

# ---------------------------------------------------------------- changes: plan, back up, apply, roll back
# Every value a change touches as it is now (first occurrence wins), and every key a set will create, are known
# before the backup is written, so the backup alone can always restore exactly, even if the host dies mid-way.
$entries = [System.Collections.Generic.List[Object]]@()
$entryFor = @{}
$entryIndex = @{}
$restoreValue = @{}
$restoreFor = @{}
$plannedKeys = [System.Collections.Generic.List[Object]]@()
$willExist = @{}
for ($i = 0; $i -lt $changes.Count; $i++) {
    $change = $changes[$i]
    $hive = $change.hive.ToUpperInvariant()
    $key = ConvertTo-KeyPath -Key $change.key
    if ($change.op -eq 'delete_empty_key') {
        continue
    }
    $id = "$hive\$key\$($change.name)".ToUpperInvariant()
    if (-not $entryIndex.ContainsKey($id)) {
        $before = Find-Value -Hive $hive -Key $key -Name $change.name -Where "changes[$i]"
        if ($null -ne $before -and $before.ContainsKey('unsupported')) {
            $module.FailJson("changes[$i]: $hive\$key\$($before.name) holds a value of a kind tls_host cannot back up " +
                "($($before.unsupported)); it was left alone and nothing was changed")
        }
        $entry = @{ hive = $hive; key = $key; name = $change.name; existed = $null -ne $before }
        if ($null -ne $before) {
            $entry.type = $before.type
            $entry.data = $before.data
            $restoreValue[$id] = ConvertFrom-ValueData -Type $before.type -Data $before.data -Where "changes[$i] (as read)"
        }
        $entryIndex[$id] = $entry
        $entries.Add($entry)
    }
    $entryFor[$i] = $entryIndex[$id]
    $restoreFor[$i] = $restoreValue[$id]
    if ($change.op -eq 'set') {
        $parts = $key.Split('\')
        for ($depth = 1; $depth -le $parts.Count; $depth++) {
            $prefix = $parts[0..($depth - 1)] -join '\'
            $prefixId = "$hive\$prefix".ToUpperInvariant()
            if (-not $willExist.ContainsKey($prefixId)) {
                $willExist[$prefixId] = $true
                if (-not (Test-KeyExists -Hive $hive -Key $prefix -Where "changes[$i]")) {
                    $plannedKeys.Add(@{ hive = $hive; key = $prefix })
                }
            }
        }
    }
}

if ($module.CheckMode) {
    $problem = Get-FolderCheck -Folder $backupDir
    if ($null -ne $problem) {
        $module.FailJson($problem)
    }
    $module.ExitJson()
}

$backup = @{
    id = $params.backup_id
    path = [System.IO.Path]::Combine($backupDir, "$($params.backup_id).json")
    hostname = [Environment]::MachineName
    status = 'pending'
    entries = $entries
    created_keys = $plannedKeys
}
Confirm-BackupFolder -Folder $backupDir
if ([System.IO.File]::Exists($backup.path)) {
    $module.FailJson("backup_id: a backup named '$($backup.id)' already exists in $backupDir; nothing was changed")
}
try {
    Write-Backup -Backup $backup -First $true
}
catch {
    $module.FailJson("backup_dir: cannot write the backup $($backup.path); nothing was changed: $(Get-ErrorText -ErrorRecord $_)", $_)
}

$removedKeys = New-Object -TypeName 'System.Collections.Generic.HashSet[int]'
for ($i = 0; $i -lt $changes.Count; $i++) {
    $change = $changes[$i]
    try {
        if (Invoke-Change -Change $change -Value $converted[$i]) {
            $null = $removedKeys.Add($i)
        }
    }
    catch {
        $where = Get-ChangePlace -Change $change
        $failure = Get-ErrorText -ErrorRecord $_
        $undoFailures = Undo-Changes -Count $i
        $backup.status = 'rolled_back'
        try {
            Write-Backup -Backup $backup -First $false
        }
        catch {
            $module.Warn("the backup $($backup.path) still says 'pending' (it could not be updated: $(Get-ErrorText -ErrorRecord $_))")
        }
        $module.Result['backup'] = $backup
        $module.Result['rolled_back'] = $i
        $module.Result['rollback_errors'] = $undoFailures
        $module.Result['changed'] = $undoFailures.Count -gt 0
        $message = "change $($i + 1) of $($changes.Count) failed at ${where}: $failure; the $i change(s) before it were rolled back"
        if ($undoFailures.Count -gt 0) {
            $message += ", except $($undoFailures.Count) that could not be put back (see rollback_errors)"
        }
        $module.FailJson($message)
    }
}
$backup.status = 'applied'
try {
    Write-Backup -Backup $backup -First $false
}
catch {
    $module.Warn("the backup $($backup.path) still says 'pending' (it could not be updated: $(Get-ErrorText -ErrorRecord $_)); " +
        'it lists every value and created key, so it still restores this change')
}
$module.Result['backup'] = $backup
$module.Result['applied'] = $changes.Count
$module.Result['changed'] = $true
$module.ExitJson()

#!powershell
#AnsibleRequires -CSharpUtil Ansible.Basic

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Host-side I/O for tls_info, tls_config, tls_restore, tls_usage and tls_evidence. It knows nothing about TLS: it
# reads registry values, applies a list of set/delete operations with a backup first and a rollback on the first
# failure, reports a few facts, counts log lines and events by the columns the controller names (usage), and reads
# or adds IIS custom log fields the controller names. Every path and value arrives as module data; none is ever
# pasted into script text. Its contract is written as data in tests/contract/tls_host/cases; the lab's twin and the
# Windows runner both execute those cases.

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
        usage = @{ type = 'dict' }
        iis_log_fields = @{ type = 'dict' }
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

# ---------------------------------------------------------------- usage: counts of log lines and events
# docs/usage.md "Host reads needed" is the contract: every column, event id and bound comes from the controller's
# CountSpec; this code only counts distinct value tuples and keeps where it stopped. Whole logs never leave the host.
$usageKeys = @('not_before', 'checkpoint', 'checkpoint_dir', 'events', 'iis', 'smtp', 'iis_sites', 'schannel_key')
$tupleSeparator = [string][char]1
$nullMark = [string][char]2
$csvFieldLimit = 131072   # Python's csv.field_size_limit(): a longer field makes the line unreadable
$pythonOnlySpace = [char[]]@([char]28, [char]29, [char]30, [char]31)
$w3cWhitespace = [char[]]@(' ', "`t", "`r", [char]11, [char]12)
$utf8 = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false, $false

Function Test-IsInteger {
    param($Value)
    ($Value -is [int] -or $Value -is [long]) -and $Value -isnot [bool]
}

Function Get-UsageInteger {
    param($Table, [string]$Key, [string]$Where, [long]$Default, [long]$Low, [long]$High)
    $value = $Default
    if ($Table.ContainsKey($Key) -and $null -ne $Table[$Key]) { $value = $Table[$Key] }
    if (-not (Test-IsInteger -Value $value) -or $value -lt $Low -or $value -gt $High) {
        $module.FailJson("${Where}.${Key}: should be an integer from $Low to $High")
    }
    [long]$value
}

Function Get-UsageStrings {
    param($Table, [string]$Key, [string]$Where, [int]$Low, [int]$High)
    $value = $Table[$Key]
    $ok = $value -is [System.Collections.IList] -and $value.Count -ge $Low -and $value.Count -le $High
    if ($ok) {
        foreach ($item in $value) { if ($item -isnot [string] -or $item -eq '') { $ok = $false } }
    }
    if (-not $ok) {
        $module.FailJson("${Where}.${Key}: should be a list of $Low to $High non-empty strings")
    }
    , [string[]]@($value)
}

Function Test-NonEmptyStrings {
    param($Value)
    if ($Value -isnot [System.Collections.IList] -or $Value.Count -eq 0) { return $false }
    foreach ($item in $Value) { if ($item -isnot [string] -or $item -eq '') { return $false } }
    $true
}

Function ConvertTo-UsageRegex {
    # A pattern of a CSV read, compiled as .NET reads it (the spec keeps to what .NET and Python share).
    param($Pattern, [string]$Where)
    if ($Pattern -isnot [string]) { $module.FailJson("${Where}: should be a regular expression") }
    try { [System.Text.RegularExpressions.Regex]::new($Pattern, [System.Text.RegularExpressions.RegexOptions]::CultureInvariant) }
    catch { $module.FailJson("${Where}: not a valid regular expression ($($_.Exception.InnerException.Message))") }
}

Function ConvertTo-CountSpec {
    # The checks of CountSpec.from_json that the counting relies on; only a CSV read takes patterns, match and join.
    param($Spec, [string]$Where, [bool]$Csv = $false)
    if ($Spec -isnot [System.Collections.IDictionary]) { $module.FailJson("${Where}: should be an object") }
    $columns = $Spec['columns']
    if ($columns -isnot [System.Collections.IList] -or $columns.Count -eq 0) {
        $module.FailJson("${Where}.columns: should be a non-empty list")
    }
    $names = [System.Collections.Generic.List[String]]@()
    $sources = [System.Collections.Generic.List[Object]]@()
    $patterns = [System.Collections.Generic.List[Object]]@()
    for ($i = 0; $i -lt $columns.Count; $i++) {
        $column = $columns[$i]
        if ($column -isnot [System.Collections.IDictionary] -or $column['name'] -isnot [string] -or $column['name'] -eq '') {
            $module.FailJson("${Where}.columns[$i]: should be an object with a 'name'")
        }
        if (-not (Test-NonEmptyStrings -Value $column['columns'])) {
            $module.FailJson("${Where}.columns[$i].columns: should be a non-empty list of non-empty strings")
        }
        $pattern = $null
        if ($column.ContainsKey('pattern') -and $column['pattern'] -ne '') {
            if (-not $Csv) { $module.FailJson("${Where}.columns[$i].pattern: W3C logs take no patterns") }
            $pattern = ConvertTo-UsageRegex -Pattern $column['pattern'] -Where "${Where}.columns[$i].pattern"
        }
        if ($names.Contains($column['name'])) { $module.FailJson("${Where}.columns: output names must be unique") }
        $names.Add($column['name'])
        $sources.Add([string[]]@($column['columns']))
        $patterns.Add($pattern)
    }
    if (-not (Test-NonEmptyStrings -Value $Spec['fold_to'])) {
        $module.FailJson("${Where}.fold_to: should be a non-empty list of non-empty strings")
    }
    $foldIndex = [System.Collections.Generic.List[int]]@()
    foreach ($name in $Spec['fold_to']) {
        if (-not $names.Contains($name)) { $module.FailJson("${Where}.fold_to: '$name' is not one of the column names") }
        $foldIndex.Add($names.IndexOf($name))
    }
    if (-not (Test-NonEmptyStrings -Value $Spec['time']) -or $Spec['time'].Count -gt 2) {
        $module.FailJson("${Where}.time: should name one or two columns")
    }
    $match = $null
    $join = $null
    foreach ($key in 'match', 'join') {
        if ($Spec.ContainsKey($key) -and -not $Csv) { $module.FailJson("${Where}.${key}: W3C logs take no $key") }
    }
    if ($Spec.ContainsKey('match')) {
        $raw = $Spec['match']
        if ($raw -isnot [System.Collections.IDictionary] -or $raw['column'] -isnot [string]) {
            $module.FailJson("${Where}.match: should be an object with 'column' and 'pattern'")
        }
        $match = @{ column = $raw['column']; regex = ConvertTo-UsageRegex -Pattern $raw['pattern'] -Where "${Where}.match.pattern" }
    }
    if ($Spec.ContainsKey('join')) {
        $raw = $Spec['join']
        if ($raw -isnot [System.Collections.IDictionary] -or $raw['key'] -isnot [string] -or $raw['column'] -isnot [string]) {
            $module.FailJson("${Where}.join: should be an object with 'key', 'column' and 'pattern'")
        }
        $join = @{ key = $raw['key']; column = $raw['column']; regex = ConvertTo-UsageRegex -Pattern $raw['pattern'] -Where "${Where}.join.pattern"
            max_sessions = Get-UsageInteger -Table $raw -Key 'max_sessions' -Where "${Where}.join" -Default 10000 -Low 1 -High 1000000 }
    }
    @{
        names = [string[]]$names
        sources = $sources.ToArray()
        patterns = $patterns.ToArray()
        match = $match
        join = $join
        fold = [int[]]$foldIndex
        time = [string[]]@($Spec['time'])
        max_groups = Get-UsageInteger -Table $Spec -Key 'max_groups' -Where $Where -Default 10000 -Low 1 -High 1000000
        max_line = Get-UsageInteger -Table $Spec -Key 'max_line_bytes' -Where $Where -Default 1048576 -Low 1024 -High 16777216
        max_field = Get-UsageInteger -Table $Spec -Key 'max_field_bytes' -Where $Where -Default 512 -Low 16 -High 65536
    }
}

Function ConvertTo-UsageTime {
    # ISO 8601 (with Z or an offset; none means UTC) to yyyy-MM-ddTHH:mm:ssZ, or $null when it is not a time.
    param($Text)
    if ($Text -isnot [string] -or $Text -notmatch '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?\z') {
        return $null
    }
    $styles = [System.Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal'
    $parsed = [DateTime]::MinValue
    $clean = $Text -replace '(\.\d{1,7})\d*', '$1'
    if (-not [DateTime]::TryParse($clean, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) {
        return $null
    }
    $parsed.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

Function Test-UsageCheckpoint {
    # The shape Checkpoint.from_json accepts, as far as this module uses it.
    param($Checkpoint, [string]$Where)
    if ($Checkpoint -isnot [System.Collections.IDictionary]) { $module.FailJson("${Where}: should be an object") }
    if ($Checkpoint['id'] -isnot [string] -or $Checkpoint['id'] -eq '') { $module.FailJson("${Where}.id: should not be empty") }
    $previous = [string]$Checkpoint['previous_id']
    if (($previous -ne '') -ne ([string]$Checkpoint['previous_taken_at'] -ne '')) {
        $module.FailJson("${Where}: previous_id and previous_taken_at go together")
    }
    if ($null -eq (ConvertTo-UsageTime -Text $Checkpoint['taken_at'])) { $module.FailJson("${Where}.taken_at: should be an ISO 8601 time") }
    $events = $Checkpoint['events']
    if ($null -ne $events) {
        if ($events -isnot [System.Collections.IDictionary] -or -not (Test-IsInteger -Value $events['record_id']) -or $events['record_id'] -lt 0) {
            $module.FailJson("${Where}.events.record_id: should be an integer of at least 0")
        }
    }
    $files = $Checkpoint['files']
    if ($null -eq $files) { $files = @() }
    if ($files -isnot [System.Collections.IList]) { $module.FailJson("${Where}.files: should be a list") }
    for ($i = 0; $i -lt $files.Count; $i++) {
        $file = $files[$i]
        $at = "${Where}.files[$i]"
        if ($file -isnot [System.Collections.IDictionary]) { $module.FailJson("${at}: should be an object") }
        if ($file['path'] -isnot [string] -or $file['path'] -eq '') { $module.FailJson("${at}.path: should not be empty") }
        foreach ($key in 'offset', 'line', 'head_len') {
            if (-not (Test-IsInteger -Value $file[$key]) -or $file[$key] -lt 0) { $module.FailJson("${at}.${key}: should be an integer of at least 0") }
        }
        if ($file['head_len'] -gt [Math]::Min(1024, $file['offset'])) { $module.FailJson("${at}.head_len: should be at most min(1024, offset)") }
        if ($file['head_sha256'] -isnot [string] -or $file['head_sha256'] -cnotmatch '^[0-9a-f]{64}\z') {
            $module.FailJson("${at}.head_sha256: should be 64 lowercase hex digits")
        }
        if ($null -ne $file['header'] -and ($file['header'] -isnot [string] -or $file['header'].Length -gt 8192)) {
            $module.FailJson("${at}.header: longer than 8192 characters")
        }
    }
}

Function Test-UsageArgs {
    param($Usage)
    if ($Usage -isnot [System.Collections.IDictionary]) { $module.FailJson('usage: should be a dict') }
    $unknown = @($Usage.Keys | Where-Object { $usageKeys -notcontains $_ } | Sort-Object)
    if ($unknown.Count -gt 0) { $module.FailJson("usage.$($unknown[0]): unknown key; known: $($usageKeys -join ', ')") }
    $notBefore = ConvertTo-UsageTime -Text $Usage['not_before']
    if ($null -eq $notBefore) { $module.FailJson('usage.not_before: should be an ISO 8601 UTC time') }
    if ($null -ne $Usage['checkpoint']) { Test-UsageCheckpoint -Checkpoint $Usage['checkpoint'] -Where 'usage.checkpoint' }
    $directory = $Usage['checkpoint_dir']
    if ($null -eq $directory -or $directory -eq '') { $directory = '%ProgramData%\tlsguard\usage' }
    if ($directory -isnot [string]) { $module.FailJson('usage.checkpoint_dir: should be a string') }
    $key = $Usage['schannel_key']
    if ($null -eq $key -or $key -eq '') { $key = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL' }
    if ($key -isnot [string]) { $module.FailJson('usage.schannel_key: should be a string') }
    $read = @{
        not_before = $notBefore
        checkpoint = $Usage['checkpoint']
        directory = [Environment]::ExpandEnvironmentVariables($directory).TrimEnd('\')
        schannel_key = $key.Trim('\')
        events = $null
        iis = $null
        smtp = $null
        iis_sites = $false
    }
    $sites = $Usage['iis_sites']
    if ($null -ne $sites -and $sites -isnot [bool]) { $module.FailJson('usage.iis_sites: should be true or false') }
    $read.iis_sites = $true -eq $sites
    $events = $Usage['events']
    if ($null -ne $events) {
        if ($events -isnot [System.Collections.IDictionary]) { $module.FailJson('usage.events: should be a dict') }
        $ids = $events['ids']
        $ok = $ids -is [System.Collections.IList] -and $ids.Count -ge 1 -and $ids.Count -le 32
        if ($ok) { foreach ($id in $ids) { if (-not (Test-IsInteger -Value $id) -or $id -lt 1 -or $id -gt 65535) { $ok = $false } } }
        if (-not $ok) { $module.FailJson('usage.events.ids: should be a list of 1 to 32 event ids (1-65535)') }
        $read.events = @{
            log = if ($events['log']) { [string]$events['log'] } else { 'System' }
            provider = if ($events['provider']) { [string]$events['provider'] } else { 'Schannel' }
            ids = [int[]]@($ids)
            max_events = Get-UsageInteger -Table $events -Key 'max_events' -Where 'usage.events' -Default 200000 -Low 1 -High 5000000
            spec = ConvertTo-CountSpec -Spec $events['spec'] -Where 'usage.events.spec'
        }
    }
    foreach ($kind in @(@{ key = 'iis'; format = 'w3c' }, @{ key = 'smtp'; format = 'csv' })) {
        $files = $Usage[$kind.key]
        if ($null -eq $files) { continue }
        $where = "usage.$($kind.key)"
        if ($files -isnot [System.Collections.IDictionary]) { $module.FailJson("${where}: should be a dict") }
        if ($files.ContainsKey('format') -and $files['format'] -ne $kind.format) {
            $module.FailJson("${where}.format: only '$($kind.format)' is read by this host module version")
        }
        $read[$kind.key] = @{
            format = $kind.format
            folders = Get-UsageStrings -Table $files -Key 'folders' -Where $where -Low 1 -High 256
            patterns = Get-UsageStrings -Table $files -Key 'patterns' -Where $where -Low 1 -High 8
            spec = ConvertTo-CountSpec -Spec $files['spec'] -Where "${where}.spec" -Csv ($kind.format -eq 'csv')
            max_files = Get-UsageInteger -Table $files -Key 'max_files' -Where $where -Default 2000 -Low 1 -High 10000
            max_bytes = Get-UsageInteger -Table $files -Key 'max_bytes' -Where $where -Default 2147483648 -Low 1048576 -High 68719476736
        }
    }
    $read
}

Function New-UsageNotes { [ordered]@{} }

Function Add-UsageNote {
    # One note per kind (the first message, a count), at most 64 kinds, as notes.Notes does.
    param($Notes, [string]$Kind, [string]$Message, [long]$Count = 1, [bool]$BlocksGate = $false)
    if ($Notes.Contains($Kind)) {
        $Notes[$Kind].count += $Count
        $Notes[$Kind].blocks_gate = $Notes[$Kind].blocks_gate -or $BlocksGate
    }
    elseif ($Notes.Count -lt 64) {
        $Notes[$Kind] = @{ kind = $Kind; message = $Message; count = $Count; blocks_gate = $BlocksGate }
    }
}

Function New-UsageCounter {
    param($Spec)
    @{
        spec = $Spec
        table = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
        folded = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
        unplaced = $null
        folded_lines = [long]0
        cut_values = [long]0
    }
}

Function Get-TupleKey {
    # One dictionary key per value tuple; a missing column ($null) differs from an empty value.
    param([object[]]$Values)
    $parts = New-Object -TypeName 'string[]' -ArgumentList $Values.Count
    for ($i = 0; $i -lt $Values.Count; $i++) {
        $parts[$i] = if ($null -eq $Values[$i]) { $nullMark } else { [string]$Values[$i] }
    }
    [string]::Join($tupleSeparator, $parts)
}

Function Update-UsageEntry {
    param($Entry, $Time)
    $Entry.count += 1
    if ($null -eq $Time) { return }
    if ($null -eq $Entry.first -or [string]::CompareOrdinal($Time, $Entry.first) -lt 0) { $Entry.first = $Time }
    if ($null -eq $Entry.last -or [string]::CompareOrdinal($Time, $Entry.last) -gt 0) { $Entry.last = $Time }
}

Function Add-UsageCount {
    # RawCounter.insert: cut long values (by UTF-8 bytes), keep max_groups tuples, then fold to fold_to, then one
    # unplaced entry. The output never grows with lines.
    param($Counter, [object[]]$Values, $Time)
    $key = Get-TupleKey -Values $Values
    $entry = $null
    if ($Counter.table.TryGetValue($key, [ref]$entry)) { Update-UsageEntry -Entry $entry -Time $Time; return }
    $max = $Counter.spec.max_field
    $cut = $false
    for ($i = 0; $i -lt $Values.Count; $i++) {
        if ($null -ne $Values[$i] -and $utf8.GetByteCount($Values[$i]) -gt $max) {
            $bytes = $utf8.GetBytes($Values[$i])
            $Values[$i] = $utf8.GetString($bytes, 0, $max)
            $cut = $true
        }
    }
    if ($cut) {
        $key = Get-TupleKey -Values $Values
        if ($Counter.table.TryGetValue($key, [ref]$entry)) { Update-UsageEntry -Entry $entry -Time $Time; return }
        $Counter.cut_values += 1
    }
    if ($Counter.table.Count -lt $Counter.spec.max_groups) {
        $Counter.table[$key] = @{ values = $Values; count = [long]1; first = $Time; last = $Time }
        return
    }
    $foldValues = [object[]]@($Counter.spec.fold | ForEach-Object { $Values[$_] })
    $foldKey = Get-TupleKey -Values $foldValues
    if ($Counter.folded.TryGetValue($foldKey, [ref]$entry)) { Update-UsageEntry -Entry $entry -Time $Time }
    elseif ($Counter.folded.Count -lt $Counter.spec.max_groups) {
        $Counter.folded[$foldKey] = @{ values = $foldValues; count = [long]1; first = $Time; last = $Time }
    }
    else {
        if ($null -eq $Counter.unplaced) { $Counter.unplaced = @{ count = [long]1; first = $Time; last = $Time } }
        else { Update-UsageEntry -Entry $Counter.unplaced -Time $Time }
        return
    }
    $Counter.folded_lines += 1
}

Function Get-UsageDay {
    param($Value)
    if ($null -ne $Value -and $Value.Length -gt 10) { return $Value.Substring(0, 10) }
    $Value
}

Function Get-UsageGroups {
    param($Counter)
    $names = $Counter.spec.names
    $dayIndex = [Array]::IndexOf($names, '@day')
    $groups = [System.Collections.Generic.List[Object]]@()
    foreach ($entry in $Counter.table.Values) {
        $fields = [ordered]@{}
        for ($i = 0; $i -lt $names.Count; $i++) {
            $fields[$names[$i]] = if ($i -eq $dayIndex) { Get-UsageDay -Value $entry.values[$i] } else { $entry.values[$i] }
        }
        $groups.Add(@{ fields = $fields; count = $entry.count; first = [string]$entry.first; last = [string]$entry.last })
    }
    foreach ($entry in $Counter.folded.Values) {
        $fields = [ordered]@{}
        for ($i = 0; $i -lt $Counter.spec.fold.Count; $i++) {
            $name = $names[$Counter.spec.fold[$i]]
            $fields[$name] = if ($name -eq '@day') { Get-UsageDay -Value $entry.values[$i] } else { $entry.values[$i] }
        }
        $groups.Add(@{ fields = $fields; count = $entry.count; first = [string]$entry.first; last = [string]$entry.last; folded = $true })
    }
    if ($null -ne $Counter.unplaced) {
        $u = $Counter.unplaced
        $groups.Add(@{ fields = @{}; count = $u.count; first = [string]$u.first; last = [string]$u.last; folded = $true })
    }
    , $groups
}

Function Add-CounterNotes {
    param($Counter, $Notes, [string]$What)
    if ($Counter.folded_lines -gt 0) {
        Add-UsageNote -Notes $Notes -Kind 'groups_capped' -Count $Counter.folded_lines -Message ("${What}: more than " +
            "$(Format-Count -Value $Counter.spec.max_groups) distinct clients; $(Format-Count -Value $Counter.folded_lines) line(s) were " +
            "counted per day, site and protocol without naming their clients")
    }
    if ($Counter.cut_values -gt 0) {
        Add-UsageNote -Notes $Notes -Kind 'values_cut' -Count $Counter.cut_values -Message ("${What}: $(Format-Count -Value $Counter.cut_values) " +
            "group(s) had a value longer than $(Format-Count -Value $Counter.spec.max_field) bytes, cut to that length")
    }
}

# ---------------------------------------------------------------- usage: SCHANNEL events
Function Get-EventFields {
    # The flat field dict of eventxml.event_fields: @id, @record, @time, @provider, @computer, UserData/* children
    # by name, EventData/Data by Name (unnamed ones @data0, @data1 ...).
    param($LogRecord)
    [xml]$xml = $LogRecord.ToXml()
    $fields = @{
        '@id' = [string]$LogRecord.Id
        '@record' = [string]$LogRecord.RecordId
        '@time' = $LogRecord.TimeCreated.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ', [System.Globalization.CultureInfo]::InvariantCulture)
        '@provider' = [string]$LogRecord.ProviderName
        '@computer' = [string]$LogRecord.MachineName
    }
    foreach ($part in $xml.DocumentElement.ChildNodes) {
        if ($part.LocalName -eq 'UserData') {
            foreach ($wrapper in $part.ChildNodes) {
                foreach ($child in $wrapper.ChildNodes) {
                    if ($child.NodeType -eq 'Element' -and -not $fields.ContainsKey($child.LocalName)) { $fields[$child.LocalName] = $child.InnerText }
                }
            }
        }
        elseif ($part.LocalName -eq 'EventData') {
            $unnamed = 0
            foreach ($data in $part.ChildNodes) {
                if ($data.NodeType -ne 'Element') { continue }
                $name = $data.GetAttribute('Name')
                if ($name -eq '') { $name = "@data$unnamed"; $unnamed++ }
                if (-not $fields.ContainsKey($name)) { $fields[$name] = $data.InnerText }
            }
        }
    }
    $fields
}

Function Read-UsageEvents {
    param($Read, $Previous)
    $events = $Read.events
    $spec = $events.spec
    $notes = New-UsageNotes
    $counter = New-UsageCounter -Spec $spec
    $after = $null
    $afterTime = ''
    if ($null -ne $Previous -and $null -ne $Previous['events']) {
        $after = [long]$Previous['events']['record_id']
        $afterTime = [string]$Previous['events']['time']
    }
    $readAt = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ')
    # The newest and oldest records before the query: only events up to the newest are read this run.
    $newest = $null; $oldest = $null; $oldestTime = ''
    try {
        $top = Get-WinEvent -LogName $events.log -MaxEvents 1 -ErrorAction Stop
        $newest = [long]$top.RecordId
        $bottom = Get-WinEvent -LogName $events.log -MaxEvents 1 -Oldest -ErrorAction Stop
        $oldest = [long]$bottom.RecordId
        $oldestTime = $bottom.TimeCreated.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') {
            Add-UsageNote -Notes $notes -Kind 'access_denied' -BlocksGate $true -Message "$($events.log) log: $(Get-ErrorText -ErrorRecord $_)"
        }
    }
    $readCount = 0; $truncated = $false; $lastId = $null; $lastTime = ''
    if ($null -ne $newest) {
        $idTest = ($events.ids | ForEach-Object { "EventID=$_" }) -join ' or '
        $range = if ($null -ne $after) { "EventRecordID &gt; $after and EventRecordID &lt;= $newest" }
        else { "EventRecordID &lt;= $newest and TimeCreated[@SystemTime&gt;='$($Read.not_before)']" }
        # The provider and log names are XML-escaped: they arrive as data, never as query text.
        $provider = [Security.SecurityElement]::Escape($events.provider)
        $log = [Security.SecurityElement]::Escape($events.log)
        $select = "*[System[Provider[@Name='$provider'] and ($idTest) and $range]]"
        $query = "<QueryList><Query Id='0' Path='$log'><Select Path='$log'>$select</Select></Query></QueryList>"
        try {
            # -Oldest: oldest first, so a truncated read ends at a record the next run goes on from.
            $found = Get-WinEvent -FilterXml ([xml]$query) -Oldest -MaxEvents ($events.max_events + 1) -ErrorAction Stop
        }
        catch {
            $found = @()
            if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') {
                Add-UsageNote -Notes $notes -Kind 'access_denied' -BlocksGate $true -Message "$($events.log) log: $(Get-ErrorText -ErrorRecord $_)"
            }
        }
        foreach ($record in @($found)) {
            if ($readCount -ge $events.max_events) { $truncated = $true; break }
            $fields = Get-EventFields -LogRecord $record
            $values = New-Object -TypeName 'object[]' -ArgumentList $spec.names.Count
            for ($i = 0; $i -lt $spec.names.Count; $i++) {
                $sources = $spec.sources[$i]
                if ($sources.Count -eq 1 -and $sources[0] -eq '@day') { $values[$i] = $fields['@time'].Substring(0, 10); continue }
                foreach ($source in $sources) {
                    if ($fields.ContainsKey($source)) { $values[$i] = $fields[$source]; break }
                }
            }
            Add-UsageCount -Counter $counter -Values $values -Time $fields['@time']
            $readCount++
            $lastId = [long]$record.RecordId
            $lastTime = $fields['@time'].Substring(0, 19) + 'Z'
        }
    }
    Add-CounterNotes -Counter $counter -Notes $notes -What 'SCHANNEL events'
    if ($truncated) {
        Add-UsageNote -Notes $notes -Kind 'events_truncated' -Message ("SCHANNEL: more than " +
            "$(Format-Count -Value $events.max_events) events waiting; this read " +
            "stopped at record $lastId ($lastTime) and the next one goes on from there")
    }
    @{
        groups = Get-UsageGroups -Counter $counter; read = $readCount; truncated = $truncated
        after_record_id = $after; after_time = $afterTime; last_record_id = $lastId; last_time = $lastTime
        oldest_record_id = $oldest; oldest_time = $oldestTime; newest_record_id = $newest; read_at = $readAt
        notes = @($notes.Values)
    }
}

# ---------------------------------------------------------------- usage: CSV log lines (csvlog.read_csv_log)
Function Find-CsvColumn {
    # The position of the first of the names in the #Fields map, or -1.
    param($Index, [string[]]$Names)
    foreach ($name in $Names) { if ($Index.ContainsKey($name.ToLowerInvariant())) { return $Index[$name.ToLowerInvariant()] } }
    -1
}

Function New-CsvColumns {
    # The column map of one #Fields stretch (names separated by commas) and where each requested value comes from.
    param([string]$Header, $Spec)
    $names = @(if ($Header -ne '') { $Header.Split(',') | ForEach-Object { $_.Trim() } })
    $index = @{}
    for ($i = 0; $i -lt $names.Count; $i++) {
        $lower = $names[$i].ToLowerInvariant()
        if (-not $index.ContainsKey($lower)) { $index[$lower] = $i }
    }
    $slots = New-Object -TypeName 'int[]' -ArgumentList $Spec.names.Count
    for ($c = 0; $c -lt $Spec.names.Count; $c++) { $slots[$c] = Find-CsvColumn -Index $index -Names $Spec.sources[$c] }
    $joinKey = -1; $joinColumn = -1; $matchAt = -1
    if ($null -ne $Spec.join) {
        $joinKey = Find-CsvColumn -Index $index -Names @($Spec.join.key)
        $joinColumn = Find-CsvColumn -Index $index -Names @($Spec.join.column)
    }
    if ($null -ne $Spec.match) { $matchAt = Find-CsvColumn -Index $index -Names @($Spec.match.column) }
    @{ header = $Header; nfields = $(if ($names.Count -gt 0) { $names.Count } else { -1 }); slots = $slots
        time = [int[]]@($Spec.time | ForEach-Object { Find-CsvColumn -Index $index -Names @($_) })
        join_key = $joinKey; join_column = $joinColumn; match_at = $matchAt }
}

Function Get-UsageCapture {
    # Capture group 1 where the pattern has groups, else the whole match; $null when it does not match.
    param([System.Text.RegularExpressions.Regex]$Regex, [string]$Value)
    $found = $Regex.Match($Value)
    if (-not $found.Success) { return $null }
    if ($Regex.GetGroupNumbers().Count -gt 1) {
        if ($found.Groups[1].Success) { return $found.Groups[1].Value }
        return $null
    }
    $found.Value
}

Function New-CsvSessions {
    # The join state of one log folder: session id -> remembered value, the oldest forgotten first (csvlog.Sessions).
    param([int]$Limit)
    @{ limit = $Limit; evicted = 0
        known = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, String]'
        nodes = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
        order = New-Object -TypeName 'System.Collections.Generic.LinkedList[String]' }
}

Function Add-CsvSession {
    param($Sessions, [string]$Key, [string]$Value)
    $node = $null
    if ($Sessions.nodes.TryGetValue($Key, [ref]$node)) { $null = $Sessions.order.Remove($node) }
    $Sessions.nodes[$Key] = $Sessions.order.AddLast($Key)
    $Sessions.known[$Key] = $Value
    if ($Sessions.known.Count -gt $Sessions.limit) {
        $oldest = $Sessions.order.First.Value
        $Sessions.order.RemoveFirst()
        $null = $Sessions.nodes.Remove($oldest)
        $null = $Sessions.known.Remove($oldest)
        $Sessions.evicted += 1
    }
}

Function Test-BlankText {
    # Python's str.strip() also removes U+001C-U+001F, which .NET does not count as white space.
    param([string]$Text)
    if ([string]::IsNullOrWhiteSpace($Text)) { return $true }
    $Text.IndexOfAny($pythonOnlySpace) -ge 0 -and [string]::IsNullOrWhiteSpace(($Text -replace '[\x1c-\x1f]', ' '))
}

Function Read-CsvLine {
    param($State, [byte[]]$Bytes, [int]$Length)
    $spec = $State.spec
    $State.line += 1
    $text = $utf8.GetString($Bytes, 0, $Length).TrimEnd("`r")
    if ($text.StartsWith('#')) {
        if ($text.StartsWith('#Fields:') -and $text.Length -le 8192) { $State.columns = New-CsvColumns -Header ($text.Substring(8).Trim()) -Spec $spec }
        return
    }
    if (Test-BlankText -Text $text) { return }
    $values = [TlsGuard.UsageNative]::SplitCsv($text, $csvFieldLimit)
    if ($null -eq $values) { $values = [string[]]@() }
    $columns = $State.columns
    if ($columns.nfields -lt 0 -or $values.Count -ne $columns.nfields) {
        $State.unreadable += 1
        $message = "$($State.label) line $($State.line): $($values.Count) fields where #Fields names $([Math]::Max($columns.nfields, 0)); skipped"
        Add-UsageNote -Notes $State.notes -Kind 'csv_field_count' -BlocksGate $true -Message $message
        return
    }
    if ($columns.join_key -ge 0 -and $columns.join_column -ge 0) {
        $remembered = Get-UsageCapture -Regex $spec.join.regex -Value $values[$columns.join_column]
        if ($null -ne $remembered) { Add-CsvSession -Sessions $State.sessions -Key $values[$columns.join_key] -Value $remembered }
    }
    $matched = $null
    if ($null -ne $spec.match) {
        if ($columns.match_at -lt 0) { return }
        $matched = Get-UsageCapture -Regex $spec.match.regex -Value $values[$columns.match_at]
        if ($null -eq $matched) { return }
    }
    $parts = [System.Collections.Generic.List[String]]@()
    foreach ($at in $columns.time) { if ($at -ge 0) { $parts.Add($values[$at]) } }
    $time = [string]::Join(' ', $parts)
    $out = New-Object -TypeName 'object[]' -ArgumentList $spec.names.Count
    for ($c = 0; $c -lt $spec.names.Count; $c++) {
        $sources = $spec.sources[$c]
        $pseudo = if ($sources.Count -eq 1) { $sources[0] } else { '' }
        if ($pseudo -ceq '@day') { $out[$c] = if ($time -ne '') { $time.Substring(0, [Math]::Min(10, $time.Length)) } else { $null } }
        elseif ($pseudo -ceq '@dir') { $out[$c] = $State.directory }
        elseif ($pseudo -ceq '@match') { $out[$c] = $matched }
        elseif ($pseudo -ceq '@join') {
            $out[$c] = $null
            $remembered = $null
            if ($columns.join_key -ge 0 -and $State.sessions.known.TryGetValue($values[$columns.join_key], [ref]$remembered)) { $out[$c] = $remembered }
        }
        elseif ($columns.slots[$c] -ge 0) {
            $value = $values[$columns.slots[$c]]
            if ($null -ne $spec.patterns[$c]) {
                $captured = Get-UsageCapture -Regex $spec.patterns[$c] -Value $value
                if ($null -ne $captured -and $captured -ne '') { $value = $captured }
            }
            $out[$c] = $value
        }
        else { $out[$c] = $null }
    }
    Add-UsageCount -Counter $State.counter -Values $out -Time $(if ($time -ne '') { $time } else { $null })
    $State.counted += 1
}

# ---------------------------------------------------------------- usage: W3C log files from a checkpoint
Function New-W3cBlock {
    # The column map of one #Fields stretch: for each requested column, where its value comes from.
    param([string]$Header, [string]$Date, $Spec, [string]$Directory)
    $names = @($Header.Split($w3cWhitespace, [StringSplitOptions]::RemoveEmptyEntries))
    $index = @{}
    for ($i = 0; $i -lt $names.Count; $i++) {
        $lower = $names[$i].ToLowerInvariant()
        if (-not $index.ContainsKey($lower)) { $index[$lower] = $i }
    }
    $timeIndex = @($Spec.time | ForEach-Object { if ($index.ContainsKey($_.ToLowerInvariant())) { $index[$_.ToLowerInvariant()] } else { -1 } })
    $slots = New-Object -TypeName 'object[]' -ArgumentList $Spec.names.Count
    for ($c = 0; $c -lt $Spec.names.Count; $c++) {
        $sources = $Spec.sources[$c]
        if ($sources.Count -eq 1 -and $sources[0] -eq '@dir') { $slots[$c] = @{ const = $Directory }; continue }
        if ($sources.Count -eq 1 -and $sources[0] -eq '@day') {
            if ($timeIndex[0] -ge 0) { $slots[$c] = @{ field = $timeIndex[0]; day = $true } }
            elseif ($Date -ne '') { $slots[$c] = @{ const = $(if ($Date.Length -gt 10) { $Date.Substring(0, 10) } else { $Date }) } }
            else { $slots[$c] = @{ const = $null } }
            continue
        }
        $slots[$c] = @{ const = $null }
        foreach ($source in $sources) {
            $lower = $source.ToLowerInvariant()
            if ($index.ContainsKey($lower)) { $slots[$c] = @{ field = $index[$lower] }; break }
        }
    }
    @{ header = $Header; date = $Date; nfields = $(if ($names.Count -gt 0) { $names.Count } else { -1 }); slots = $slots; time = $timeIndex }
}

Function Get-W3cTime {
    # The line's time text: the time columns joined by a space, completed from #Date where the line lacks them.
    param($Block, [string[]]$Parts)
    $t = $Block.time
    if ($t.Count -eq 1) { if ($t[0] -ge 0) { return $Parts[$t[0]] } else { return $Block.date } }
    if ($t[0] -ge 0 -and $t[1] -ge 0) { return "$($Parts[$t[0]]) $($Parts[$t[1]])" }
    if ($t[0] -ge 0) { return $Parts[$t[0]] }
    $day = if ($Block.date.Length -gt 10) { $Block.date.Substring(0, 10) } else { $Block.date }
    if ($t[1] -ge 0) { return "$day $($Parts[$t[1]])" }
    $Block.date
}

Function Read-W3cLine {
    param($State, [byte[]]$Bytes, [int]$Length)
    $spec = $State.spec
    $State.line += 1
    if ($Length -gt $spec.max_line) {
        $State.unreadable += 1
        $message = "$($State.label) line $($State.line): longer than $(Format-Count -Value $spec.max_line) bytes; skipped"
        Add-UsageNote -Notes $State.notes -Kind 'w3c_line_too_long' -BlocksGate $true -Message $message
        return
    }
    $text = $utf8.GetString($Bytes, 0, $Length)
    if ($text.StartsWith('#')) {
        $text = $text.TrimEnd("`r")
        if ($utf8.GetByteCount($text) -gt 8192) {
            $message = "$($State.label) line $($State.line): a long '#' line is not a header IIS writes; ignored"
            Add-UsageNote -Notes $State.notes -Kind 'w3c_header_too_long' -BlocksGate $true -Message $message
        }
        elseif ($text.StartsWith('#Fields:')) {
            $header = $text.Substring(8).Trim()
            $State.block = New-W3cBlock -Header $header -Date $State.date -Spec $spec -Directory $State.directory
        }
        elseif ($text.StartsWith('#Date:')) {
            $date = $text.Substring(6).Trim()
            $State.date = if ($date.Length -gt 64) { $date.Substring(0, 64) } else { $date }
            $State.block = New-W3cBlock -Header $State.block.header -Date $State.date -Spec $spec -Directory $State.directory
        }
        return
    }
    $parts = $text.Split($w3cWhitespace, [StringSplitOptions]::RemoveEmptyEntries)
    if ($parts.Count -eq 0) { return }
    $block = $State.block
    if ($block.nfields -lt 0) {
        $State.unreadable += 1
        $message = "$($State.label) line $($State.line): data before any #Fields header; skipped"
        Add-UsageNote -Notes $State.notes -Kind 'w3c_no_fields' -BlocksGate $true -Message $message
        return
    }
    if ($parts.Count -ne $block.nfields) {
        $State.unreadable += 1
        $message = "$($State.label) line $($State.line): $($parts.Count) fields where #Fields names $($block.nfields); skipped"
        Add-UsageNote -Notes $State.notes -Kind 'w3c_field_count' -BlocksGate $true -Message $message
        return
    }
    $values = New-Object -TypeName 'object[]' -ArgumentList $block.slots.Count
    for ($c = 0; $c -lt $block.slots.Count; $c++) {
        $slot = $block.slots[$c]
        if ($slot.ContainsKey('field')) {
            $value = $parts[$slot.field]
            if ($slot.day -and $value.Length -gt 10) { $value = $value.Substring(0, 10) }
            $values[$c] = $value
        }
        else { $values[$c] = $slot.const }
    }
    Add-UsageCount -Counter $State.counter -Values $values -Time (Get-W3cTime -Block $block -Parts $parts)
    $State.counted += 1
}

Function Format-Count {
    # 1048576 as 1,048,576, as the core's messages write numbers.
    param([long]$Value)
    $Value.ToString('N0', [System.Globalization.CultureInfo]::InvariantCulture)
}

Function Read-LogLine {
    param($State, [byte[]]$Bytes, [int]$Length)
    if ($State.format -eq 'csv') { Read-CsvLine -State $State -Bytes $Bytes -Length $Length }
    else { Read-W3cLine -State $State -Bytes $Bytes -Length $Length }
}

Function Add-LongLineNote {
    param($State)
    $State.line += 1
    $State.unreadable += 1
    $message = "$($State.label) line $($State.line): longer than $(Format-Count -Value $State.spec.max_line) bytes; skipped"
    Add-UsageNote -Notes $State.notes -Kind "$($State.format)_line_too_long" -BlocksGate $true -Message $message
}

Function Read-LogFile {
    # Stream one W3C or CSV file from its cursor in 64 KiB chunks; a line longer than max_line_bytes is dropped as
    # it streams by. The cursor ends at the last complete line (the unterminated tail waits, unless the file is
    # final). $Sessions: the folder's join state (CSV).
    param($Path, $Start, [bool]$Final, $Spec, $Counter, $Notes, [string]$Directory, $Budget, [string]$Format, $Sessions)
    $state = @{
        spec = $Spec; counter = $Counter; notes = $Notes; directory = $Directory; label = [IO.Path]::GetFileName($Path)
        line = [long]$Start.line; date = [string]$Start.date; counted = 0; unreadable = 0; error = $null; format = $Format
        sessions = $Sessions
    }
    if ($Format -eq 'csv') {
        $state.date = ''
        $state.columns = New-CsvColumns -Header ([string]$Start.header) -Spec $Spec
    }
    else { $state.block = New-W3cBlock -Header ([string]$Start.header) -Date $state.date -Spec $Spec -Directory $Directory }
    $offset = [long]$Start.offset
    $skipping = [bool]$Start.in_long_line
    $carry = New-Object -TypeName System.IO.MemoryStream
    $buffer = New-Object -TypeName 'byte[]' -ArgumentList 65536
    $stream = $null
    try {
        # IIS keeps the current file open for writing: share read, write and delete.
        $stream = [System.IO.File]::Open($Path, 'Open', 'Read', 'ReadWrite, Delete')
        $null = $stream.Seek($offset, 'Begin')
        while ($Budget.left -gt 0) {
            $n = $stream.Read($buffer, 0, [int][Math]::Min(65536, $Budget.left))
            if ($n -le 0) { break }
            $Budget.left -= $n
            $pos = 0
            while ($pos -lt $n) {
                $nl = [Array]::IndexOf($buffer, [byte]10, $pos, $n - $pos)
                if ($nl -lt 0) {
                    if ($skipping) { $offset += $n - $pos }
                    else {
                        $carry.Write($buffer, $pos, $n - $pos)
                        if ($carry.Length -gt $Spec.max_line) { $skipping = $true; $offset += $carry.Length; $carry.SetLength(0) }
                    }
                    break
                }
                if ($skipping) {
                    $offset += $nl - $pos + 1
                    $skipping = $false
                    Add-LongLineNote -State $state
                }
                else {
                    $carry.Write($buffer, $pos, $nl - $pos)
                    $length = [int]$carry.Length
                    $offset += $length + 1
                    Read-LogLine -State $state -Bytes $carry.GetBuffer() -Length $length
                    $carry.SetLength(0)
                }
                $pos = $nl + 1
            }
        }
    }
    catch {
        $state.error = Get-ErrorText -ErrorRecord $_
    }
    finally {
        if ($null -ne $stream) { $stream.Dispose() }
    }
    if ($Final -and $null -eq $state.error) {
        if ($skipping) {
            $skipping = $false
            Add-LongLineNote -State $state
        }
        elseif ($carry.Length -gt 0) {
            $length = [int]$carry.Length
            $offset += $length
            Read-LogLine -State $state -Bytes $carry.GetBuffer() -Length $length
        }
    }
    $header = if ($Format -eq 'csv') { $state.columns.header } else { $state.block.header }
    $state.cursor = @{ offset = $offset; line = $state.line; header = $header; date = $state.date; in_long_line = $skipping }
    $state
}

Function Get-HeadSha256 {
    param([string]$Path, [long]$Length)
    $stream = [System.IO.File]::Open($Path, 'Open', 'Read', 'ReadWrite, Delete')
    try {
        $bytes = New-Object -TypeName 'byte[]' -ArgumentList $Length
        $got = 0
        while ($got -lt $Length) {
            $n = $stream.Read($bytes, $got, $Length - $got)
            if ($n -le 0) { break }
            $got += $n
        }
        $sha = [System.Security.Cryptography.SHA256]::Create()
        try { ([BitConverter]::ToString($sha.ComputeHash($bytes, 0, $got)) -replace '-', '').ToLowerInvariant() }
        finally { $sha.Dispose() }
    }
    finally { $stream.Dispose() }
}

Function Get-UsageLogFiles {
    # Every file matching the patterns in every folder (a '*' is allowed in the folder's last part), each once.
    param($Folders, $Patterns, $Notes)
    $files = [System.Collections.Generic.List[Object]]@()
    $seen = @{}   # a folder named twice (a site's log_dir inside the default glob) is read once
    foreach ($folder in $Folders) {
        $expanded = [Environment]::ExpandEnvironmentVariables($folder).TrimEnd('\')
        $parent = Split-Path -Path $expanded -Parent
        $leaf = Split-Path -Path $expanded -Leaf
        $dirs = @()
        try {
            if ($leaf.Contains('*')) {
                if ([System.IO.Directory]::Exists($parent)) { $dirs = @([System.IO.Directory]::GetDirectories($parent, $leaf) | Sort-Object) }
            }
            elseif ([System.IO.Directory]::Exists($expanded)) { $dirs = @($expanded) }
        }
        catch {
            Add-UsageNote -Notes $Notes -Kind 'access_denied' -BlocksGate $true -Message "${expanded}: $(Get-ErrorText -ErrorRecord $_)"
        }
        foreach ($dir in $dirs) {
            try {
                foreach ($pattern in $Patterns) {
                    foreach ($info in ([System.IO.DirectoryInfo]$dir).GetFiles($pattern)) {
                        if ($seen.ContainsKey($info.FullName.ToLowerInvariant())) { continue }
                        $seen[$info.FullName.ToLowerInvariant()] = $true
                        $files.Add(@{ path = $info.FullName; size = $info.Length; written = $info.LastWriteTimeUtc.ToString('yyyy-MM-ddTHH:mm:ssZ') })
                    }
                }
            }
            catch {
                Add-UsageNote -Notes $Notes -Kind 'access_denied' -BlocksGate $true -Message "${dir}: $(Get-ErrorText -ErrorRecord $_)"
            }
        }
    }
    , $files
}

Function Get-FolderName {
    param([string]$Path)
    $parts = @($Path.Replace('/', '\').Split([char[]]@('\'), [StringSplitOptions]::RemoveEmptyEntries))
    if ($parts.Count -ge 2) { $parts[$parts.Count - 2] } else { '' }
}

Function Read-UsageLogs {
    # checkpoint.plan_reads, then logread.read_log_files: the rotation rule, the byte budget, the positions.
    param($Files, $Read, $Previous, [string]$What)
    $notes = New-UsageNotes
    $sessions = New-Object -TypeName 'System.Collections.Generic.Dictionary[String, Object]'
    $spec = $Files.spec
    $readAt = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ')
    $listed = Get-UsageLogFiles -Folders $Files.folders -Patterns $Files.patterns -Notes $notes
    if ($listed.Count -gt $Files.max_files) {
        $message = ("$(Format-Count -Value $listed.Count) log files match, more than the $(Format-Count -Value $Files.max_files) one run " +
            'considers; the oldest were not read')
        Add-UsageNote -Notes $notes -Kind 'too_many_files' -BlocksGate $true -Message $message
        $order = @(@{ Expression = { $_.written } }, @{ Expression = { $_.path.ToLowerInvariant() } })
        $listed = @($listed | Sort-Object -Property $order | Select-Object -Last $Files.max_files)
    }
    $known = @{}
    $continued = @{}
    if ($null -ne $Previous -and $null -ne $Previous['files']) {
        foreach ($position in $Previous['files']) {
            $known[$position['path'].ToLowerInvariant()] = $position
            $continued[(Get-FolderName -Path $position['path']).ToLowerInvariant()] = $true
        }
    }
    $newest = @{}
    foreach ($file in $listed) {
        $folderKey = (Split-Path -Path $file.path -Parent).ToLowerInvariant()
        $mark = "$($file.written)|$($file.path.ToLowerInvariant())"
        if (-not $newest.ContainsKey($folderKey) -or [string]::CompareOrdinal($mark, $newest[$folderKey]) -gt 0) { $newest[$folderKey] = $mark }
    }
    $counter = New-UsageCounter -Spec $spec
    $folders = [ordered]@{}
    $positions = [System.Collections.Generic.List[Object]]@()
    $budget = @{ left = [long]$Files.max_bytes }
    foreach ($file in @($listed | Sort-Object -Property @{ Expression = { $_.path.ToLowerInvariant() } })) {
        if ([string]::CompareOrdinal($file.written, $Read.not_before) -lt 0) { continue }
        $name = Get-FolderName -Path $file.path
        $folderKey = $name.ToLowerInvariant()
        if (-not $folders.Contains($folderKey)) {
            $folders[$folderKey] = [ordered]@{ folder = $name; path = (Split-Path -Path $file.path -Parent); files = 0; files_read = 0
                lines = 0; unreadable = 0; continued = $continued.ContainsKey($folderKey); complete = $true }
        }
        $entry = $folders[$folderKey]
        $entry.files += 1
        $pathKey = $file.path.ToLowerInvariant()
        $final = $newest[(Split-Path -Path $file.path -Parent).ToLowerInvariant()] -ne "$($file.written)|$pathKey"
        $position = $known[$pathKey]
        $start = @{ offset = 0; line = 0; header = ''; date = ''; in_long_line = $false }
        if ($null -ne $position) {
            $head = $null
            try { $head = Get-HeadSha256 -Path $file.path -Length $position['head_len'] } catch { $head = $null }
            if ($null -eq $head) {
                Add-UsageNote -Notes $notes -Kind 'access_denied' -BlocksGate $true -Message "$($file.path): cannot be read now; it is read next time"
                $positions.Add($position)
                continue
            }
            if ($file.size -lt $position['offset'] -or $head -ne $position['head_sha256']) {
                $message = "$($file.path): not the file read last time (shorter, or its first bytes differ); read again from the start"
                Add-UsageNote -Notes $notes -Kind 'file_replaced' -Message $message
                $position = $null
            }
            elseif ($file.size -eq $position['offset'] -and -not ($final -and $position['in_long_line'])) {
                $positions.Add($position)
                continue
            }
            else {
                $start = @{ offset = [long]$position['offset']; line = [long]$position['line']; header = [string]$position['header']
                    date = [string]$position['date']; in_long_line = [bool]$position['in_long_line'] }
            }
        }
        $toRead = $file.size - $start.offset
        if ($budget.left -lt $toRead) {
            $entry.complete = $false
            if ($budget.left -le 0) {
                if ($null -ne $position) { $positions.Add($position) }
                continue
            }
        }
        $isFinal = $final -and $budget.left -ge $toRead
        $joined = $null
        if ($Files.format -eq 'csv') {
            if (-not $sessions.TryGetValue($name, [ref]$joined)) {
                $limit = if ($null -ne $spec.join) { $spec.join.max_sessions } else { 1 }
                $joined = New-CsvSessions -Limit $limit
                $sessions[$name] = $joined
            }
        }
        $result = Read-LogFile -Path $file.path -Start $start -Final $isFinal -Spec $spec -Counter $counter -Notes $notes -Directory $name `
            -Budget $budget -Format $Files.format -Sessions $joined
        if ($null -ne $result.error) {
            $entry.complete = $false
            $message = "$($file.path): $($result.error); read up to line $($result.cursor.line) only"
            Add-UsageNote -Notes $notes -Kind 'access_denied' -BlocksGate $true -Message $message
        }
        $headLen = [Math]::Min(1024, $result.cursor.offset)
        $sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
        try { $sha = Get-HeadSha256 -Path $file.path -Length $headLen } catch { $headLen = 0 }
        $positions.Add([ordered]@{ path = $file.path; offset = $result.cursor.offset; line = $result.cursor.line; header = $result.cursor.header
                date = $result.cursor.date; in_long_line = $result.cursor.in_long_line; head_len = $headLen; head_sha256 = $sha; written = $file.written })
        $entry.files_read += 1
        $entry.lines += $result.counted
        $entry.unreadable += $result.unreadable
    }
    if ($budget.left -le 0 -and @($folders.Values | Where-Object { -not $_.complete }).Count -gt 0) {
        $message = "$($What): the $(Format-Count -Value $Files.max_bytes)-byte read budget of one run was reached; the rest is read by the next run"
        Add-UsageNote -Notes $notes -Kind 'read_budget' -Message $message
    }
    Add-CounterNotes -Counter $counter -Notes $notes -What $What
    @{ groups = Get-UsageGroups -Counter $counter; positions = $positions; folders = @($folders.Values); notes = @($notes.Values); read_at = $readAt }
}

# ---------------------------------------------------------------- usage: one run, and the host's checkpoint copy
Function Write-UsageCheckpoint {
    # checkpoint.json replaced atomically (temporary file, then File.Replace), the one before kept as checkpoint.previous.json.
    param([string]$Directory, $Checkpoint)
    if (-not [System.IO.Directory]::Exists($Directory)) { $null = [System.IO.Directory]::CreateDirectory($Directory) }
    $current = Join-Path -Path $Directory -ChildPath 'checkpoint.json'
    $temporary = Join-Path -Path $Directory -ChildPath 'checkpoint.json.tmp'
    [System.IO.File]::WriteAllText($temporary, (ConvertTo-Json -InputObject $Checkpoint -Depth 8 -Compress), $utf8)
    if ([System.IO.File]::Exists($current)) {
        [System.IO.File]::Replace($temporary, $current, (Join-Path -Path $Directory -ChildPath 'checkpoint.previous.json'))
    }
    else { [System.IO.File]::Move($temporary, $current) }
}

Function Read-StoredCheckpoint {
    param([string]$Directory)
    $path = Join-Path -Path $Directory -ChildPath 'checkpoint.json'
    if (-not [System.IO.File]::Exists($path)) { return $null }
    try {
        $parsed = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($path)) -ErrorAction Stop
        # ConvertFrom-Json gives objects; the reads index dictionaries.
        $stored = @{ id = [string]$parsed.id; taken_at = [string]$parsed.taken_at; files = @() ; events = $null }
        if ($null -ne $parsed.events) {
            $stored.events = @{ log = [string]$parsed.events.log; record_id = [long]$parsed.events.record_id; time = [string]$parsed.events.time }
        }
        $stored.files = @(foreach ($f in @($parsed.files)) {
                if ($null -eq $f) { continue }
                @{ path = [string]$f.path; offset = [long]$f.offset; line = [long]$f.line; header = [string]$f.header; date = [string]$f.date
                    in_long_line = [bool]$f.in_long_line; head_len = [long]$f.head_len; head_sha256 = [string]$f.head_sha256; written = [string]$f.written }
            })
        if ($stored.id -eq '') { return $null }
        $stored
    }
    catch { $null }   # a damaged copy: a run from scratch (the controller then replaces its store)
}

# Two helpers PowerShell has no fast or built-in form of, compiled with Add-Type the first time a usage read needs
# one: RegQueryInfoKey, the one Windows API that reports a key's LastWriteTime (.NET's RegistryKey does not), and
# the split of one comma-separated log line, as Python's csv module does it (default dialect, not strict), which a
# character loop in PowerShell would make far too slow for Exchange logs. Neither knows anything about TLS.
$usageNativeSource = @'
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace TlsGuard
{
    public static class UsageNative
    {
        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, EntryPoint = "RegQueryInfoKeyW")]
        private static extern int RegQueryInfoKey(IntPtr key, IntPtr keyClass, IntPtr classLength, IntPtr reserved,
            IntPtr subKeys, IntPtr maxSubKeyLength, IntPtr maxClassLength, IntPtr values, IntPtr maxValueNameLength,
            IntPtr maxValueLength, IntPtr securityDescriptorLength, out long lastWriteTime);

        // The FILETIME (UTC) of the key's last write, or -1 when Windows gives none.
        public static long LastWriteTime(IntPtr key)
        {
            long written;
            int status = RegQueryInfoKey(key, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero,
                IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, out written);
            return status == 0 ? written : -1;
        }

        // The fields of one line (no trailing CR): quotes open a field only at its start, "" inside quotes is one
        // quote, text after a closing quote joins the field, an unterminated quote runs to the end of the line.
        // null where Python's csv fails: a CR outside quotes, or a field longer than fieldLimit characters.
        public static string[] SplitCsv(string line, int fieldLimit)
        {
            List<string> fields = new List<string>();
            StringBuilder field = new StringBuilder();
            int length = 0;
            int state = 0;   // 0 start of field, 1 in field, 2 in quotes, 3 quote seen in quotes
            foreach (char c in line)
            {
                bool add = false;
                if (state == 2)
                {
                    if (c == '"') { state = 3; } else { add = true; }
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Length = 0;
                    length = 0;
                    state = 0;
                }
                else if (c == '\r') { return null; }
                else if (c == '"' && state == 0) { state = 2; }
                else if (c == '"' && state == 3) { add = true; state = 2; }
                else { add = true; state = 1; }
                if (add)
                {
                    if (!char.IsLowSurrogate(c))
                    {
                        if (length >= fieldLimit) { return null; }
                        length++;
                    }
                    field.Append(c);
                }
            }
            fields.Add(field.ToString());
            return fields.ToArray();
        }
    }
}
'@

Function Initialize-UsageNative {
    if ($null -eq ('TlsGuard.UsageNative' -as [type])) { Add-Type -TypeDefinition $usageNativeSource -ErrorAction Stop }
}

Function Get-KeyWrittenTime {
    # The open key's LastWriteTime as yyyy-MM-ddTHH:mm:ssZ, or '' when it cannot be read (the core then stays
    # conservative). The RegistryKey keeps its handle open for the call.
    param([Microsoft.Win32.RegistryKey]$Key)
    try {
        Initialize-UsageNative
        $written = [TlsGuard.UsageNative]::LastWriteTime($Key.Handle.DangerousGetHandle())
        if ($written -lt 0) { return '' }
        [DateTime]::FromFileTimeUtc($written).ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
    }
    catch { '' }
}

Function Invoke-UsageRead {
    param($Read)
    $previous = $Read.checkpoint
    $source = 'controller'
    if ($null -eq $previous) {
        $previous = Read-StoredCheckpoint -Directory $Read.directory
        $source = if ($null -ne $previous) { 'host' } else { 'none' }
    }
    $events = if ($null -ne $Read.events) { Read-UsageEvents -Read $Read -Previous $previous } else { $null }
    $inventory = @{ sites = $null; error = '' }
    if ($Read.iis_sites) { $inventory = Read-IisSites }
    if ($inventory.error -ne '') { $module.Warn("usage.iis_sites: $($inventory.error)") }
    $iisFiles = $Read.iis
    if ($null -ne $iisFiles -and $null -ne $inventory.sites) {
        # docs/usage.md "Host reads needed": every site's log_dir is read too, wherever the site logs.
        $iisFiles = $iisFiles.Clone()
        $iisFiles.folders = [string[]]@(@($Read.iis.folders) + @($inventory.sites | ForEach-Object { $_.log_dir }))
    }
    $iis = if ($null -ne $iisFiles) { Read-UsageLogs -Files $iisFiles -Read $Read -Previous $previous -What 'IIS logs' } else { $null }
    if ($null -ne $iis -and $inventory.error -ne '') {
        $message = "the IIS site inventory could not be read ($($inventory.error)): only the folders asked for were read, " +
            'and which sites serve https is unknown'
        $iis.notes = @($iis.notes) + @(@{ kind = 'iis_sites_unreadable'; message = $message; count = 1; blocks_gate = $true })
    }
    $smtp = $null
    if ($null -ne $Read.smtp) {
        $native = $true
        try { Initialize-UsageNative }
        catch {
            # Not read at all (its positions stay as they were): the controller then counts SMTP as not read.
            $module.Warn("usage.smtp: SMTP logs were not read: the CSV line splitter could not be compiled ($(Get-ErrorText -ErrorRecord $_))")
            $native = $false
        }
        if ($native) { $smtp = Read-UsageLogs -Files $Read.smtp -Read $Read -Previous $previous -What 'SMTP logs' }
    }
    $endEvents = $null
    if ($null -ne $events) {
        if ($events.truncated) { $endEvents = [ordered]@{ log = $Read.events.log; record_id = [long]$events.last_record_id; time = $events.last_time } }
        else {
            $record = if ($null -ne $events.newest_record_id) { [long]$events.newest_record_id } else { [long]0 }
            $endEvents = [ordered]@{ log = $Read.events.log; record_id = $record; time = $events.read_at }
        }
    }
    elseif ($null -ne $previous -and $null -ne $previous['events']) { $endEvents = $previous['events'] }
    # A read replaces the positions of the files its patterns name; those of a read not done this run are kept.
    $files = [System.Collections.Generic.List[Object]]@()
    $done = [System.Collections.Generic.List[String]]@()
    foreach ($pair in @(@{ files = $Read.iis; reply = $iis }, @{ files = $Read.smtp; reply = $smtp })) {
        if ($null -eq $pair.reply) { continue }
        $done.AddRange([string[]]$pair.files.patterns)
        foreach ($position in $pair.reply.positions) { $files.Add($position) }
    }
    if ($null -ne $previous -and $null -ne $previous['files']) {
        foreach ($position in @($previous['files'])) {
            $name = [IO.Path]::GetFileName($position['path'])
            if (@($done | Where-Object { $name -like $_ }).Count -eq 0) { $files.Add($position) }
        }
    }
    $now = [DateTime]::UtcNow
    $checkpoint = [ordered]@{
        id = $now.ToString('yyyyMMddTHHmmss.ffffffZ') + '-' + ([Guid]::NewGuid().ToString('N').Substring(0, 4))
        previous_id = if ($null -ne $previous) { [string]$previous['id'] } else { '' }
        previous_taken_at = if ($null -ne $previous) { [string]$previous['taken_at'] } else { '' }
        taken_at = $now.ToString('yyyy-MM-ddTHH:mm:ssZ')
        events = $endEvents
        files = @($files)
    }
    if (-not $module.CheckMode) {
        try { Write-UsageCheckpoint -Directory $Read.directory -Checkpoint $checkpoint }
        catch { $module.Warn("usage: the host's checkpoint copy in $($Read.directory) could not be written: $(Get-ErrorText -ErrorRecord $_)") }
    }
    $eventLogging = $null
    $keyWritten = ''
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    try {
        $schannel = $base.OpenSubKey($Read.schannel_key, $false)
        if ($null -ne $schannel) {
            try {
                $keyWritten = Get-KeyWrittenTime -Key $schannel
                if ($schannel.GetValueNames() -contains 'EventLogging' -and $schannel.GetValueKind('EventLogging') -eq 'DWord') {
                    # REG_DWORD comes back as a signed Int32: its four bytes read as unsigned.
                    $raw = [int]$schannel.GetValue('EventLogging')
                    $eventLogging = [long][BitConverter]::ToUInt32([BitConverter]::GetBytes($raw), 0)
                }
            }
            finally { $schannel.Dispose() }
        }
    }
    catch { $eventLogging = $null; $keyWritten = '' }
    finally { $base.Dispose() }
    $boot = ''
    try {
        $os = Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime -ErrorAction Stop
        $boot = $os.LastBootUpTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    }
    catch { $boot = '' }
    @{ checkpoint = $checkpoint; checkpoint_source = $source; events = $events; iis = $iis; smtp = $smtp
        event_logging = $eventLogging; schannel_key_written = $keyWritten; last_boot = $boot; iis_sites = $inventory.sites }
}

# ---------------------------------------------------------------- IIS: custom log fields (logFile/customFields)
# Reads the custom log fields of siteDefaults and of every site (its own entries only) and adds the entries the
# controller lists, in one commit. Which fields matter is the controller's business (docs/usage.md, "Turning the
# evidence on"); this code only reads and adds named entries. Microsoft.Web.Administration ships with IIS 7+;
# logFile/customFields exists from IIS 8.5.
$logFieldKeys = @('scope', 'name', 'source', 'type')
$logFieldTypes = @('RequestHeader', 'ResponseHeader', 'ServerVariable')   # the schema's sourceType enum: 0, 1, 2
$maxLogFieldAdds = 256

Function Test-LogFieldArgs {
    param($Request)
    if ($Request -isnot [System.Collections.IDictionary]) { $module.FailJson('iis_log_fields: should be a dict') }
    $unknown = @($Request.Keys | Where-Object { @('add') -cnotcontains $_ } | Sort-Object)
    if ($unknown.Count -gt 0) { $module.FailJson("iis_log_fields.$($unknown[0]): unknown key; known: add") }
    $adds = $Request['add']
    if ($null -eq $adds) { $adds = @() }
    if ($adds -is [string] -or $adds -is [System.Collections.IDictionary] -or $adds -isnot [System.Collections.IList] -or $adds.Count -gt $maxLogFieldAdds) {
        $module.FailJson("iis_log_fields.add: should be a list of at most $maxLogFieldAdds dicts")
    }
    for ($i = 0; $i -lt $adds.Count; $i++) {
        $where = "iis_log_fields.add[$i]"
        $item = $adds[$i]
        if ($item -isnot [System.Collections.IDictionary]) { $module.FailJson("${where}: should be a dict with $($logFieldKeys -join ', ')") }
        $unknown = @($item.Keys | Where-Object { $logFieldKeys -cnotcontains $_ } | Sort-Object)
        if ($unknown.Count -gt 0) { $module.FailJson("${where}.$($unknown[0]): unknown key; known: $($logFieldKeys -join ', ')") }
        foreach ($key in 'scope', 'name', 'source') {
            $text = $item[$key]
            if ($text -isnot [string] -or $text.Contains([string][char]0) -or ($key -ne 'scope' -and $text.Trim() -eq '')) {
                $rule = if ($key -eq 'scope') { "'' (siteDefaults) or a site name" } else { 'a non-blank string' }
                $module.FailJson("${where}.${key}: should be $rule without NUL characters")
            }
        }
        if ($item['type'] -isnot [string] -or $logFieldTypes -cnotcontains $item['type']) {
            $module.FailJson("${where}.type: should be one of $($logFieldTypes -join ', ')")
        }
    }
    , @($adds)
}

Function ConvertFrom-LogFieldCollection {
    param($Collection)
    $fields = [System.Collections.Generic.List[Object]]@()
    foreach ($entry in $Collection) {
        $kind = $entry.GetAttributeValue('sourceType')
        if ($kind -is [int] -and $kind -ge 0 -and $kind -lt $logFieldTypes.Count) { $kind = $logFieldTypes[$kind] }
        $name = [string]$entry.GetAttributeValue('logFieldName')
        $fields.Add([ordered]@{ name = $name; source = [string]$entry.GetAttributeValue('sourceName'); type = [string]$kind })
    }
    , $fields
}

Function Get-IisAssemblyPath {
    # Microsoft.Web.Administration.dll when IIS is installed (the assembly and applicationHost.config exist), else $null.
    $inetsrv = [Environment]::ExpandEnvironmentVariables('%windir%\system32\inetsrv')
    $assembly = Join-Path -Path $inetsrv -ChildPath 'Microsoft.Web.Administration.dll'
    $config = Join-Path -Path $inetsrv -ChildPath 'config\applicationHost.config'
    if ([System.IO.File]::Exists($assembly) -and [System.IO.File]::Exists($config)) { $assembly } else { $null }
}

Function New-IisServerManager {
    param([string]$Assembly)
    $null = [System.Reflection.Assembly]::LoadFrom($Assembly)
    New-Object -TypeName Microsoft.Web.Administration.ServerManager
}

Function Get-IisSitesSection {
    param($Manager)
    $Manager.GetApplicationHostConfiguration().GetSection('system.applicationHost/sites')
}

Function Invoke-LogFieldRequest {
    # installed: false without IIS; error: why the configuration could not be read (then nothing is added).
    param($Adds)
    $reply = [ordered]@{ installed = $false; error = ''; site_defaults = @(); sites = @(); added = @() }
    $assembly = Get-IisAssemblyPath
    if ($null -eq $assembly) {
        if ($Adds.Count -gt 0) { $module.FailJson('iis_log_fields.add: IIS is not installed on this host; nothing was changed') }
        return $reply
    }
    $reply.installed = $true
    $manager = $null
    try {
        $manager = New-IisServerManager -Assembly $assembly
        $section = Get-IisSitesSection -Manager $manager
        $collections = New-Object -TypeName 'System.Collections.Generic.Dictionary[string,object]' -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
        $collections[''] = $section.GetChildElement('siteDefaults').GetChildElement('logFile').GetCollection('customFields')
        $sites = [System.Collections.Generic.List[Object]]@()
        foreach ($site in $section.GetCollection()) {
            $name = [string]$site.GetAttributeValue('name')
            $collections[$name] = $site.GetChildElement('logFile').GetCollection('customFields')
            $sites.Add(@{ id = [long]$site.GetAttributeValue('id'); name = $name })
        }
    }
    catch {
        $reply.error = "IIS configuration: $(Get-ErrorText -ErrorRecord $_)"
        if ($null -ne $manager) { $manager.Dispose() }
        if ($Adds.Count -gt 0) { $module.FailJson("iis_log_fields.add: $($reply.error); nothing was changed") }
        return $reply
    }
    try {
        $added = [System.Collections.Generic.List[Object]]@()
        for ($i = 0; $i -lt $Adds.Count; $i++) {
            $add = $Adds[$i]
            $where = if ($add.scope -eq '') { 'siteDefaults' } else { "site '$($add.scope)'" }
            if (-not $collections.ContainsKey($add.scope)) { $module.FailJson("iis_log_fields.add[$i].scope: there is no $where; nothing was changed") }
            $collection = $collections[$add.scope]
            $same = $null
            foreach ($field in (ConvertFrom-LogFieldCollection -Collection $collection)) {
                if ([string]::Equals($field.name, $add.name, $ordinal)) { $same = $field }
            }
            if ($null -ne $same) {
                if ([string]::Equals($same.source, $add.source, $ordinal) -and [string]::Equals($same.type, $add.type, $ordinal)) { continue }
                $module.FailJson("iis_log_fields.add[$i]: $where already has a custom field named '$($same.name)' " +
                    "with source $($same.type) $($same.source); nothing was changed")
            }
            $entry = $collection.CreateElement('add')
            $entry.SetAttributeValue('logFieldName', $add.name)
            $entry.SetAttributeValue('sourceName', $add.source)
            $entry.SetAttributeValue('sourceType', $add.type)
            $null = $collection.Add($entry)
            $added.Add([ordered]@{ scope = $add.scope; name = $add.name })
        }
        if ($added.Count -gt 0 -and -not $module.CheckMode) {
            try { $manager.CommitChanges() }
            catch { $module.FailJson("iis_log_fields.add: applicationHost.config could not be saved: $(Get-ErrorText -ErrorRecord $_); nothing was changed") }
            $module.Result['changed'] = $true
        }
        $reply.added = $added
        $reply.site_defaults = ConvertFrom-LogFieldCollection -Collection $collections['']
        $reply.sites = @(foreach ($site in $sites) {
                [ordered]@{ id = $site.id; name = $site.name; fields = ConvertFrom-LogFieldCollection -Collection $collections[$site.name] }
            })
    }
    finally { $manager.Dispose() }
    $reply
}

# ---------------------------------------------------------------- IIS: site inventory (usage.iis_sites)
# Each site's id, name, bindings and logFile settings as IIS applies them: an attribute the site leaves at its
# default comes from siteDefaults, and a site without custom fields of its own logs those of siteDefaults. What
# they mean for coverage is the controller's business (docs/usage.md, "Coverage").
Function Get-SiteLogValue {
    # A logFile attribute of the site, or of siteDefaults when the site does not set it; enum numbers by name.
    param($LogFile, $Defaults, [string]$Name)
    $attribute = $LogFile.GetAttribute($Name)
    if ($attribute.IsInheritedFromDefaultValue) { $attribute = $Defaults.GetAttribute($Name) }
    $value = $attribute.Value
    if ($value -is [int]) {
        foreach ($enum in $attribute.Schema.GetEnumValues()) { if ($enum.Value -eq $value) { return $enum.Name } }
    }
    $value
}

Function Get-SiteLogFields {
    # The entries of a logFile's customFields; none before IIS 8.5, whose schema has no customFields.
    param($LogFile)
    if ($null -eq $LogFile.Schema.ChildElementSchemas['customFields']) { return , @() }
    ConvertFrom-LogFieldCollection -Collection $LogFile.GetCollection('customFields')
}

Function Read-IisSites {
    # sites: the inventory, $null without IIS; error: why the configuration could not be read (sites then $null).
    $assembly = Get-IisAssemblyPath
    if ($null -eq $assembly) { return @{ sites = $null; error = '' } }
    $manager = $null
    try {
        $manager = New-IisServerManager -Assembly $assembly
        $section = Get-IisSitesSection -Manager $manager
        $defaults = $section.GetChildElement('siteDefaults').GetChildElement('logFile')
        $defaultFields = Get-SiteLogFields -LogFile $defaults
        $sites = [System.Collections.Generic.List[Object]]@()
        foreach ($site in $section.GetCollection()) {
            $id = [long]$site.GetAttributeValue('id')
            $logFile = $site.GetChildElement('logFile')
            $fields = Get-SiteLogFields -LogFile $logFile
            if ($fields.Count -eq 0) { $fields = $defaultFields }
            $directory = [string](Get-SiteLogValue -LogFile $logFile -Defaults $defaults -Name 'directory')
            $directory = [Environment]::ExpandEnvironmentVariables($directory).TrimEnd('\')
            $bindings = @(foreach ($binding in $site.GetCollection('bindings')) {
                    $information = [string]$binding.GetAttributeValue('bindingInformation')
                    [ordered]@{ protocol = [string]$binding.GetAttributeValue('protocol'); information = $information }
                })
            $sites.Add([ordered]@{
                    id = $id; name = [string]$site.GetAttributeValue('name'); log_dir = "$directory\W3SVC$id"
                    log_format = [string](Get-SiteLogValue -LogFile $logFile -Defaults $defaults -Name 'logFormat')
                    logging_enabled = [bool](Get-SiteLogValue -LogFile $logFile -Defaults $defaults -Name 'enabled')
                    bindings = $bindings; custom_fields = @($fields)
                })
        }
        @{ sites = @($sites); error = '' }
    }
    catch { @{ sites = $null; error = "IIS configuration: $(Get-ErrorText -ErrorRecord $_)" } }
    finally { if ($null -ne $manager) { $manager.Dispose() } }
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
$usageRead = if ($null -ne $params.usage) { Test-UsageArgs -Usage $params.usage } else { $null }
$logFieldAdds = if ($null -ne $params.iis_log_fields) { Test-LogFieldArgs -Request $params.iis_log_fields } else { $null }

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

if ($null -ne $usageRead) {
    $module.Result['usage'] = Invoke-UsageRead -Read $usageRead
}

if ($null -ne $logFieldAdds) {
    $module.Result['iis_log_fields'] = Invoke-LogFieldRequest -Adds $logFieldAdds
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

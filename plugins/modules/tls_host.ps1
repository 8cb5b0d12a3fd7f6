#!powershell
#AnsibleRequires -CSharpUtil Ansible.Basic

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Host-side I/O for tls_info, tls_config and tls_restore. It knows nothing about TLS: it reads registry values,
# applies a list of set/delete operations with a backup first and a rollback on the first failure, and reports a
# few facts. Every path and value arrives as module data; none is ever pasted into script text.

$spec = @{
    options = @{
        read_keys = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                hive = @{ type = 'str'; default = 'HKLM' }
                key = @{ type = 'str'; required = $true }
                recurse = @{ type = 'bool'; default = $false }
            }
        }
        read_values = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                hive = @{ type = 'str'; default = 'HKLM' }
                key = @{ type = 'str'; required = $true }
                name = @{ type = 'str'; required = $true }
            }
        }
        changes = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                op = @{ type = 'str'; required = $true; choices = @('set', 'delete', 'delete_empty_key') }
                hive = @{ type = 'str'; default = 'HKLM' }
                key = @{ type = 'str'; required = $true }
                name = @{ type = 'str'; default = '' }
                type = @{
                    type = 'str'
                    choices = @('REG_SZ', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_DWORD', 'REG_MULTI_SZ', 'REG_QWORD', 'REG_NONE')
                }
                data = @{ type = 'raw' }
            }
        }
        backup_dir = @{ type = 'str'; default = '%ProgramData%\tlsguard\backups' }
        backup_id = @{ type = 'str' }
        read_backup = @{ type = 'str' }
        list_backups = @{ type = 'bool'; default = $false }
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

Function Get-KeyLocation {
    # WOW6432Node paths are opened in the 32-bit view without that component; all others in the 64-bit view.
    param([string]$Hive, [string]$Key)
    $parts = @($Key.Split('\') | Where-Object { $_ -ne '' })
    $view = [Microsoft.Win32.RegistryView]::Registry64
    if ($parts -contains 'WOW6432Node') {
        $view = [Microsoft.Win32.RegistryView]::Registry32
        $parts = @($parts | Where-Object { $_ -ne 'WOW6432Node' })
    }
    if (-not $hives.ContainsKey($Hive.ToUpperInvariant())) {
        throw "unknown hive '$Hive'"
    }
    @{ Base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hives[$Hive.ToUpperInvariant()], $view); Path = $parts -join '\' }
}

Function Open-Key {
    param([string]$Hive, [string]$Key, [bool]$Writable = $false)
    $location = Get-KeyLocation -Hive $Hive -Key $Key
    try {
        $location.Base.OpenSubKey($location.Path, $Writable)
    }
    finally {
        $location.Base.Dispose()
    }
}

Function ConvertTo-ValueData {
    # Registry data as JSON can carry it: DWORD/QWORD as the integers .NET returns, binary as hex text.
    param($RegKey, [string]$Name)
    $kind = $RegKey.GetValueKind($Name)
    $raw = $RegKey.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    $type = switch ($kind) {
        'String' { 'REG_SZ' }
        'ExpandString' { 'REG_EXPAND_SZ' }
        'Binary' { 'REG_BINARY' }
        'DWord' { 'REG_DWORD' }
        'MultiString' { 'REG_MULTI_SZ' }
        'QWord' { 'REG_QWORD' }
        default { 'REG_NONE' }
    }
    if ($raw -is [byte[]]) {
        $raw = [BitConverter]::ToString($raw).Replace('-', '').ToLowerInvariant()
    }
    elseif ($null -eq $raw -and $type -eq 'REG_NONE') {
        $raw = ''
    }
    @{ type = $type; data = $raw }
}

Function Read-Key {
    param([string]$Hive, [string]$Key, [bool]$Recurse, [System.Collections.Generic.List[Object]]$Values)
    $regKey = Open-Key -Hive $Hive -Key $Key
    if ($null -eq $regKey) {
        return $false
    }
    try {
        foreach ($name in $regKey.GetValueNames()) {
            $value = ConvertTo-ValueData -RegKey $regKey -Name $name
            $Values.Add(@{ hive = $Hive; key = $Key; name = $name; type = $value.type; data = $value.data })
        }
        if ($Recurse) {
            foreach ($sub in $regKey.GetSubKeyNames()) {
                $null = Read-Key -Hive $Hive -Key "$Key\$sub" -Recurse $true -Values $Values
            }
        }
    }
    finally {
        $regKey.Dispose()
    }
    $true
}

Function Read-Value {
    param([string]$Hive, [string]$Key, [string]$Name)
    $regKey = Open-Key -Hive $Hive -Key $Key
    if ($null -eq $regKey) {
        return $null
    }
    try {
        # Value names are case-insensitive; report the name as the registry spells it.
        $actual = @($regKey.GetValueNames() | Where-Object { $_ -eq $Name }) | Select-Object -First 1
        if ($null -eq $actual) {
            return $null
        }
        $value = ConvertTo-ValueData -RegKey $regKey -Name $actual
        @{ hive = $Hive; key = $Key; name = $actual; type = $value.type; data = $value.data }
    }
    finally {
        $regKey.Dispose()
    }
}

Function ConvertFrom-ValueData {
    # The inverse of ConvertTo-ValueData: what RegistryKey.SetValue expects for each kind.
    param([string]$Type, $Data)
    switch ($Type) {
        'REG_DWORD' {
            # Unsigned from the controller, signed when it comes back from a backup (as .NET read it).
            $number = [Int64]$Data
            if ($number -lt 0) {
                @{ Kind = 'DWord'; Value = [Int32]$number }
            }
            else {
                @{ Kind = 'DWord'; Value = [BitConverter]::ToInt32([BitConverter]::GetBytes([UInt32]$number), 0) }
            }
        }
        'REG_QWORD' {
            $number = [Decimal]$Data
            if ($number -lt 0) {
                @{ Kind = 'QWord'; Value = [Int64]$number }
            }
            else {
                @{ Kind = 'QWord'; Value = [BitConverter]::ToInt64([BitConverter]::GetBytes([UInt64]$number), 0) }
            }
        }
        'REG_SZ' { @{ Kind = 'String'; Value = [string]$Data } }
        'REG_EXPAND_SZ' { @{ Kind = 'ExpandString'; Value = [string]$Data } }
        'REG_MULTI_SZ' { @{ Kind = 'MultiString'; Value = [string[]]@($Data) } }
        default {
            $hex = [string]$Data
            $bytes = New-Object -TypeName byte[] -ArgumentList ([int]($hex.Length / 2))
            for ($i = 0; $i -lt $bytes.Length; $i++) {
                $bytes[$i] = [Convert]::ToByte($hex.Substring($i * 2, 2), 16)
            }
            $kind = if ($Type -eq 'REG_NONE') { 'None' } else { 'Binary' }
            @{ Kind = $kind; Value = $bytes }
        }
    }
}

Function Invoke-Change {
    # Applies one operation; returns the keys it had to create.
    param($Change)
    $location = Get-KeyLocation -Hive $Change.hive -Key $Change.key
    try {
        if ($Change.op -eq 'delete_empty_key') {
            $regKey = $location.Base.OpenSubKey($location.Path, $false)
            if ($null -ne $regKey) {
                $empty = $regKey.ValueCount -eq 0 -and $regKey.SubKeyCount -eq 0
                $regKey.Dispose()
                if ($empty) {
                    $location.Base.DeleteSubKey($location.Path, $false)
                }
            }
            return @()
        }
        if ($Change.op -eq 'delete') {
            $regKey = $location.Base.OpenSubKey($location.Path, $true)
            if ($null -ne $regKey) {
                try {
                    $regKey.DeleteValue($Change.name, $false)
                }
                finally {
                    $regKey.Dispose()
                }
            }
            return @()
        }
        $created = [System.Collections.Generic.List[String]]@()
        $parts = @($Change.key.Split('\') | Where-Object { $_ -ne '' })
        for ($depth = 1; $depth -le $parts.Count; $depth++) {
            $prefix = ($parts[0..($depth - 1)]) -join '\'
            $existing = Open-Key -Hive $Change.hive -Key $prefix
            if ($null -eq $existing) {
                $created.Add($prefix)
            }
            else {
                $existing.Dispose()
            }
        }
        $regKey = $location.Base.CreateSubKey($location.Path)  # writable; the (path, bool) overload needs .NET 4.6
        try {
            $value = ConvertFrom-ValueData -Type $Change.type -Data $Change.data
            $regKey.SetValue($Change.name, $value.Value, [Microsoft.Win32.RegistryValueKind]$value.Kind)
        }
        finally {
            $regKey.Dispose()
        }
        , $created
    }
    finally {
        $location.Base.Dispose()
    }
}

Function Restore-Entry {
    param($Entry)
    if ($Entry.existed) {
        $null = Invoke-Change -Change @{ op = 'set'; hive = $Entry.hive; key = $Entry.key; name = $Entry.name; type = $Entry.type; data = $Entry.data }
    }
    else {
        $null = Invoke-Change -Change @{ op = 'delete'; hive = $Entry.hive; key = $Entry.key; name = $Entry.name }
    }
}

$backupDir = [Environment]::ExpandEnvironmentVariables($module.Params.backup_dir)
$module.Result.changed = $false

# Reads come first, so the values returned are the state before any change of this call.
$values = [System.Collections.Generic.List[Object]]@()
$missing = [System.Collections.Generic.List[Object]]@()
foreach ($read in $module.Params.read_keys) {
    if (-not (Read-Key -Hive $read.hive -Key $read.key -Recurse $read.recurse -Values $values)) {
        $missing.Add(@{ hive = $read.hive; key = $read.key })
    }
}
foreach ($read in $module.Params.read_values) {
    $found = Read-Value -Hive $read.hive -Key $read.key -Name $read.name
    if ($null -ne $found) {
        $values.Add($found)
    }
}
# Result keys are set with the indexer: 'values' would hit the Values property of the result dictionary.
$module.Result['registry_values'] = $values
$module.Result['missing_keys'] = $missing

if ($module.Params.facts) {
    $principal = New-Object -TypeName Security.Principal.WindowsPrincipal -ArgumentList ([Security.Principal.WindowsIdentity]::GetCurrent())
    $os = Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime
    $module.Result.facts = @{
        hostname = [Environment]::MachineName
        x64 = [Environment]::Is64BitOperatingSystem
        is_admin = $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        last_boot = $os.LastBootUpTime.ToUniversalTime().ToString('o')
        powershell_version = $PSVersionTable.PSVersion.ToString()
    }
}

if ($module.Params.list_backups) {
    $found = @()
    if (Test-Path -LiteralPath $backupDir) {
        $found = @(Get-ChildItem -LiteralPath $backupDir -Filter '*.json' | Sort-Object -Property Name | ForEach-Object {
                @{ id = $_.BaseName; path = $_.FullName; written = $_.LastWriteTimeUtc.ToString('o') }
            })
    }
    $module.Result.backups = $found
}

if ($module.Params.read_backup) {
    $path = Join-Path -Path $backupDir -ChildPath "$($module.Params.read_backup).json"
    if (-not (Test-Path -LiteralPath $path)) {
        $module.FailJson("read_backup: no backup '$($module.Params.read_backup)' in $backupDir")
    }
    $module.Result.backup_document = [System.IO.File]::ReadAllText($path)
}

$changes = $module.Params.changes
if ($changes.Count -gt 0 -and -not $module.Params.backup_id) {
    $module.FailJson("backup_id: required when changes are given (every change is backed up first)")
}
for ($i = 0; $i -lt $changes.Count; $i++) {
    if ($changes[$i].op -eq 'set' -and -not $changes[$i].type) {
        $module.FailJson("changes[$i].type: required when op is set")
    }
}
if ($changes.Count -gt 0 -and -not $module.CheckMode) {
    # Back up every value the changes touch before the first write.
    $entries = [System.Collections.Generic.List[Object]]@()
    foreach ($change in $changes) {
        if ($change.op -eq 'delete_empty_key') {
            continue
        }
        $before = Read-Value -Hive $change.hive -Key $change.key -Name $change.name
        $entry = @{ hive = $change.hive; key = $change.key; name = $change.name; existed = $null -ne $before }
        if ($null -ne $before) {
            $entry.type = $before.type
            $entry.data = $before.data
        }
        $entries.Add($entry)
    }
    $backup = @{
        id = $module.Params.backup_id
        path = Join-Path -Path $backupDir -ChildPath "$($module.Params.backup_id).json"
        status = 'pending'
        entries = $entries
        created_keys = @()
    }
    try {
        $null = New-Item -Path $backupDir -ItemType Directory -Force
        [System.IO.File]::WriteAllText($backup.path, (ConvertTo-Json -InputObject $backup -Depth 6))
    }
    catch {
        $module.FailJson("backup_dir: cannot write the backup $($backup.path): $($_.Exception.Message)", $_)
    }

    $applied = 0
    $createdKeys = [System.Collections.Generic.List[Object]]@()
    foreach ($change in $changes) {
        try {
            foreach ($key in (Invoke-Change -Change $change)) {
                $createdKeys.Add(@{ hive = $change.hive; key = $key })
            }
            $applied++
        }
        catch {
            $where = "$($change.hive)\$($change.key)\$($change.name)"
            $failure = $_.Exception.Message
            $restoreErrors = @()
            for ($i = $applied - 1; $i -ge 0; $i--) {
                if ($changes[$i].op -eq 'delete_empty_key') {
                    continue
                }
                $entry = $entries | Where-Object { $_.hive -eq $changes[$i].hive -and $_.key -eq $changes[$i].key -and $_.name -eq $changes[$i].name } | Select-Object -First 1
                try {
                    Restore-Entry -Entry $entry
                }
                catch {
                    $restoreErrors += "$($entry.hive)\$($entry.key)\$($entry.name): $($_.Exception.Message)"
                }
            }
            for ($i = $createdKeys.Count - 1; $i -ge 0; $i--) {
                try {
                    $null = Invoke-Change -Change @{ op = 'delete_empty_key'; hive = $createdKeys[$i].hive; key = $createdKeys[$i].key }
                }
                catch {
                    $restoreErrors += "$($createdKeys[$i].hive)\$($createdKeys[$i].key): $($_.Exception.Message)"
                }
            }
            $backup.status = 'rolled_back'
            [System.IO.File]::WriteAllText($backup.path, (ConvertTo-Json -InputObject $backup -Depth 6))
            $module.Result.backup = $backup
            $module.Result.rolled_back = $applied
            $module.Result.rollback_errors = $restoreErrors
            $module.FailJson("change $($applied + 1) of $($changes.Count) failed at ${where}: $failure; the $applied change(s) before it were rolled back")
        }
    }
    $backup.status = 'applied'
    $backup.created_keys = $createdKeys
    [System.IO.File]::WriteAllText($backup.path, (ConvertTo-Json -InputObject $backup -Depth 6))
    $module.Result.backup = $backup
    $module.Result.applied = $applied
    $module.Result.changed = $true
}

$module.ExitJson()

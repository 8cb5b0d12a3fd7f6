# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible.Basic's argument handling as a PowerShell module sees it (ansible-core 2.19-2.21,
``lib/ansible/module_utils/csharp/Ansible.Basic.cs``): unknown and case-mismatched options, defaults, required,
type conversion (str, bool, list, dict, raw), choices compared case-insensitively without normalising the value,
required_if compared case-sensitively, suboptions with ``found in <option>`` context, and the same message texts.

Where Ansible.Basic would be more lenient than is worth mirroring (a list element given as ``"k=v"`` text, a float
turned into a string), the twin refuses instead: it may be stricter than the PowerShell, never more lenient. The
order in which Ansible.Basic lists supported options comes from a .NET Hashtable and is not stable; the twin sorts
them, and the contract cases match that part of the message loosely.
"""

from __future__ import annotations

from collections.abc import Mapping

BOOLEANS_TRUE = ("y", "yes", "on", "1", "true", "t", "1.0")
BOOLEANS_FALSE = ("n", "no", "off", "0", "false", "f", "0.0")
PASS_VARS = ("check_mode", "debug", "diff", "keep_remote_files", "ignore_unknown_opts", "module_name", "no_log",
             "remote_tmp", "selinux_special_fs", "shell_executable", "socket", "syslog_facility", "target_log_info",
             "tracebacks_for", "tmpdir", "verbosity", "version")


class ModuleFailure(Exception):
    """What FailJson would report; ``extra`` goes into the result next to ``msg``."""

    def __init__(self, msg: str, **extra: object) -> None:
        super().__init__(msg)
        self.extra = extra


def split(complex_args: Mapping) -> tuple[dict, bool, bool]:
    """(module parameters, check mode, diff mode) from the complex_args Ansible sends."""
    params = {k: v for k, v in complex_args.items() if not str(k).startswith("_ansible_")}
    return params, bool(complex_args.get("_ansible_check_mode")), bool(complex_args.get("_ansible_diff"))


def module_name(complex_args: Mapping) -> str:
    return str(complex_args.get("_ansible_module_name") or "undefined win module")


def dotnet_type(value: object) -> str:
    """The .NET type PowerShell's ConvertFrom-Json gives a JSON value, as Ansible.Basic names it in messages."""
    if isinstance(value, bool):
        return "System.Boolean"
    if isinstance(value, int):
        return "System.Int32" if -(2**31) <= value < 2**31 else "System.Int64"
    if isinstance(value, float):
        return "System.Double"
    if isinstance(value, list):
        return "System.Object[]"
    if isinstance(value, Mapping):
        return "System.Collections.Hashtable"
    return "System.String"


def to_str(value: object, option: str) -> str:
    """ParseStr: .NET ToString() of the value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "System.Object[]"
    if isinstance(value, Mapping):
        return "System.Collections.Hashtable"
    raise ModuleFailure(f"twin: {option}: a {type(value).__name__} as a string is not mirrored (Windows would use "
                        ".NET's ToString())")


def _to_bool(value: object, option: str) -> bool:
    if isinstance(value, bool):
        return value
    text = to_str(value, option).lower().strip()
    if text in BOOLEANS_TRUE:
        return True
    if text in BOOLEANS_FALSE:
        return False
    raise ValueError(f"The value '{text}' is not a valid boolean. Valid booleans include: "
                     f"{', '.join(BOOLEANS_TRUE + BOOLEANS_FALSE)}")


def _to_list(value: object, option: str) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    raise ValueError(f"{dotnet_type(value)} cannot be converted to a list")


def _convert(kind: str, value: object, option: str) -> object:
    if kind == "str":
        return to_str(value, option)
    if kind == "bool":
        return _to_bool(value, option)
    if kind == "list":
        return _to_list(value, option)
    if kind == "dict":
        if isinstance(value, Mapping):
            return dict(value)
        raise ModuleFailure(f"twin: {option}: only a mapping is mirrored as a dict")
    return value  # raw


def _context(message: str, context: list[str], prefix: str = " ") -> str:
    return f"{message}{prefix}found in {' -> '.join(context)}" if context else message


def validate(spec: Mapping, params: Mapping, name: str, context: list[str] | None = None) -> dict:
    """Ansible.Basic's CheckArguments for ``spec`` (``{"options": {...}, "required_if": [...]}``); returns the
    parameters converted, with defaults filled in and every other option None."""
    context = context or []
    options: Mapping = spec.get("options") or {}
    result = dict(params)
    legal = {k.casefold(): k for k in options}
    if not context:
        legal.update({f"_ansible_{k}": f"_ansible_{k}" for k in PASS_VARS})
    unsupported = [k for k in result if str(k).casefold() not in legal]
    if unsupported:
        message = _context(f"Unsupported parameters for ({name}) module: {', '.join(unsupported)}", context)
        raise ModuleFailure(f"{message}. Supported parameters include: {', '.join(sorted(options))}")
    for key in [k for k in result if k not in options and legal.get(str(k).casefold()) in options]:
        result[legal[str(key).casefold()]] = result.pop(key)
    for key in [k for k in result if str(k).startswith("_ansible_")]:
        del result[key]
    missing = []
    for key, option in options.items():
        if option.get("default") is not None and key not in result:
            result[key] = option["default"]
        if option.get("required") and key not in result:
            missing.append(key)
    if missing:
        raise ModuleFailure(_context(f"missing required arguments: {', '.join(missing)}", context))
    for key, option in options.items():
        value = result.get(key)
        if value is None:
            continue
        kind = option.get("type", "str")
        try:
            value = result[key] = _convert(kind, value, key)
        except ValueError as err:
            raise ModuleFailure(_context(f"argument for {key} is of type {dotnet_type(params.get(key))} and we were "
                                         f"unable to convert to {kind}: {err}", context)) from None
        choices = option.get("choices")
        if choices:
            given = [to_str(v, key) for v in value] if isinstance(value, list) else [to_str(value, key)]
            folded = {c.casefold() for c in choices}
            wrong = [v for v in given if v.casefold() not in folded]
            if wrong:
                raise ModuleFailure(_context(f"value of {key} must be one of: {', '.join(choices)}. Got no match for: "
                                             f"{', '.join(wrong)}", context))
    for key, wanted, needed in spec.get("required_if") or ():
        if result.get(key) is None or to_str(result[key], key) != wanted:
            continue
        absent = [n for n in needed if n not in result]
        if absent:
            raise ModuleFailure(_context(f"{key} is {wanted} but all of the following are missing: "
                                         f"{', '.join(absent)}", context))
    for key, option in options.items():
        result.setdefault(key, None)
        if option.get("options") and result[key] is not None and option.get("type") == "list":
            result[key] = [_sub(option, element, name, [*context, key]) for element in result[key]]
        elif option.get("type") == "list" and option.get("elements") and result[key] is not None:
            result[key] = [_convert(option["elements"], element, key) for element in result[key]]
    return result


def _sub(option: Mapping, element: object, name: str, context: list[str]) -> dict | None:
    if element is None:
        return None  # Ansible.Basic passes a null element through unchanged
    if not isinstance(element, Mapping):
        raise ModuleFailure(f"twin: {' -> '.join(context)}: list elements other than mappings are not mirrored")
    return validate(option, element, name, context)

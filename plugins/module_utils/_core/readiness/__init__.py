# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Readiness: will a host survive TLS 1.0/1.1 being switched off? Pure data and logic, no I/O.

- ``rules``: the knowledge base, one row per rule, with the fix and a source URL.
- ``hostread``: the one host read (``readiness_request``) and its parsing (``parse_readiness`` -> ``Components``).
- ``evaluate``: findings per component and rule, verdicts per stage, the gate ``tls_config`` calls.
- ``waivers``: waivers by rule id with a reason, validated. ``docs/readiness.md`` documents the shapes.
"""

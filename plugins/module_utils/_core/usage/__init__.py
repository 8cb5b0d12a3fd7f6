# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who still uses legacy TLS, and when it is safe to switch it off (docs/usage.md).

Readers (``w3c``, ``csvlog``, ``eventxml``) are TLS-blind: they count raw field values per caller-named columns,
exactly as the host module does. ``iis``, ``smtp`` and ``schannel`` know the formats and turn raw groups into typed
``Group`` records; ``aggregate`` merges runs, ``coverage`` and ``gate`` judge them, ``clients`` says who the
legacy clients are, and ``report`` is the one result shape per host.
"""

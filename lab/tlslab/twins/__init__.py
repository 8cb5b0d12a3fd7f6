# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python twins of PowerShell modules: the same JSON in and out, run against a lab host's state."""

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning the usage evidence on (tls_evidence): SCHANNEL EventLogging with the informational bit, and the IIS
custom log fields every site needs for tls_usage to name legacy clients (docs/usage.md, "Turning the evidence on")."""

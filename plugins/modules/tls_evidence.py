# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: tls_evidence is an action plugin (plugins/action/tls_evidence.py); its docs are in
# tls_evidence.yml.

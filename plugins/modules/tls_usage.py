# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: tls_usage is an action plugin (plugins/action/tls_usage.py); its docs are in tls_usage.yml.

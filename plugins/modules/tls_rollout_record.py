# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: tls_rollout_record is an action plugin (plugins/action/tls_rollout_record.py); its docs are
# in tls_rollout_record.yml.

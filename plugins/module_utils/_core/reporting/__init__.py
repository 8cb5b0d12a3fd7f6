# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report: a typed model of one report, adapters from the tls_* results, merging, and one renderer per
format. Pure Python, no I/O: the tls_report module reads the inputs and writes the files."""

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tlslab: a loopback WinRM emulator that plays a fleet of Windows hosts for tests and demos.

It is a test double, not Windows: it speaks the WS-Management subset pywinrm uses, answers Ansible's
PowerShell payloads from Python (twins), keeps a simulated registry per host, and serves real TLS whose
protocol versions follow each host's SCHANNEL registry as of its last (emulated) boot.
"""

from .collection import make_importable

make_importable()  # before any twin imports the collection's core

# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's pip bootstrap script (get-pip-<version>.py).

ansible-test downloads that script from a host that is unreachable here; it first looks in
~/.ansible/test/cache/get_pip_<version>.py, where run.sh links this file. ansible-test runs it inside a new
``venv --without-pip`` with ``pip==<version> --no-setuptools --no-wheel``: pip is bootstrapped from the wheel
bundled with ensurepip, then the requested pip is installed from the package index configured for pip.
"""

import ensurepip
import glob
import os
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
wheels = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))
if not wheels:
    sys.exit(f"get_pip stand-in: no pip wheel bundled with ensurepip for {sys.executable}")
sys.path.insert(0, wheels[-1])

from pip._internal.cli.main import main  # noqa: E402  (imported from the bundled wheel)

sys.exit(main(["install", "--upgrade", "--force-reinstall", *args]))

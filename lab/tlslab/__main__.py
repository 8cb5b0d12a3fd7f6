# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m tlslab``: the same CLI as the ``tlslab`` command (the lab starts its server this way)."""

import sys

from .cli import main

sys.exit(main())

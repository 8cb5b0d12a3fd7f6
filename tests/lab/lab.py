#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point of tlslab, the loopback WinRM emulator (see tests/lab/tlslab/cli.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tlslab.cli import main

sys.exit(main())

"""Where the validators installed outside pip live, and a plain word when one is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("BV_CHROMIUM", "/usr/bin/chromium")


def missing_tools() -> dict[str, str]:
    """Tool name → why it cannot run here (empty when everything is installed)."""
    missing = {}
    if shutil.which("java") is None:
        missing["vnu"] = "java not installed (apt-get install default-jre-headless)"
    elif not VNU_JAR.is_file():
        missing["vnu"] = f"{VNU_JAR.relative_to(ROOT)} missing (run `npm ci`)"
    if not AXE_SCRIPT.is_file():
        missing["axe-core"] = f"{AXE_SCRIPT.relative_to(ROOT)} missing (run `npm ci`)"
    elif shutil.which(CHROMIUM) is None:
        missing["axe-core"] = f"{CHROMIUM} not installed (apt-get install chromium)"
    return missing

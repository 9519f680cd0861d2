#!/usr/bin/env python3
"""Install the notebooks' kernelspec, "Rust (detainers)", into this
environment's Jupyter (`<sys.prefix>/share/jupyter/kernels/detainers`).

  install.py EVCXR_JUPYTER     the kernel program build-evcxr built

The kernel runs notebooks/kernel/launch of this clone, which starts that
program in a persistent build slot, and is started through the provisioner of
notebooks/kernel/pool ("detainers-pool"), which keeps a started kernel
waiting. Installed per environment (the clone's .venv), so two clones never
point at each other's launcher. Idempotent.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LAUNCH = ROOT / "notebooks" / "kernel" / "launch"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("evcxr", type=Path, help="the kernel program (bash notebooks/kernel/build-evcxr prints it)")
    args = parser.parse_args()
    if not args.evcxr.is_file():
        parser.error(f"{args.evcxr}: no such program")
    folder = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "detainers"
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(LAUNCH), "{connection_file}"],
        "display_name": "Rust (detainers)",
        "language": "rust",
        "interrupt_mode": "message",
        "env": {"DETAINERS_EVCXR": str(args.evcxr.resolve())},
        "metadata": {"kernel_provisioner": {"provisioner_name": "detainers-pool", "config": {}}},
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    # evcxr's logos, when its own kernelspec is installed beside this one.
    evcxr = Path.home() / ".local" / "share" / "jupyter" / "kernels" / "rust"
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        if (evcxr / logo).exists():
            shutil.copyfile(evcxr / logo, folder / logo)
    print(f"kernelspec 'detainers' -> {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

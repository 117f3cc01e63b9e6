"""``python -m curation.harmonization``: validate the mapping files and write the harmonization seeds.

Quiet unless something is wrong: an error is one line naming the file and line, exit status 1.
``--release`` (default ``seeds/curated/clinical``) is the curated release the mappings are
checked against; ``--no-release-check`` writes the seeds from the mapping files alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curation.errors import CurationError
from curation.harmonization.release import load_release
from curation.harmonization.seeds import check_release, load_mappings, write_seeds
from curation.harmonization.standard import REFERENCE_DIR, load_standard

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m curation.harmonization", description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=Path, default=REPO / "harmonization", help="folder of <collection_id>.yml")
    parser.add_argument("--reference", type=Path, default=REFERENCE_DIR, help="folder of the CDE CSVs")
    parser.add_argument("--release", type=Path, default=REPO / "seeds" / "curated" / "clinical",
                        help="curated clinical seeds to check the tables and columns against")
    parser.add_argument("--no-release-check", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "seeds" / "harmonization")
    parser.add_argument("--verbose", action="store_true", help="name the mapping files skipped")
    args = parser.parse_args(argv)
    try:
        standard = load_standard(args.reference)
        loaded = load_mappings(args.mappings, standard)
        if not args.no_release_check:
            skipped = check_release(loaded, load_release(args.release))
            if args.verbose and skipped:
                print(f"harmonization: not in the release, skipped: {', '.join(skipped)}")
        write_seeds(loaded, standard, args.out)
    except CurationError as exc:
        print(f"harmonization: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

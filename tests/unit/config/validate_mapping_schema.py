#!/usr/bin/python3
"""Validates mapping files against the mapping JSON Schema, as an editor would.

usage: validate_mapping_schema.py SCHEMA FILE...
Prints "FILE: valid" or "FILE: invalid" for each file on stdout (the reasons on stderr).
Exit 0 when every file is valid, 1 when one is not, 2 when the schema itself is broken. Needs Debian's python3-jsonschema and python3-yaml: run it with
/usr/bin/python3, not a pyenv python that lacks them.
"""
import json
import sys

import jsonschema
import yaml


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{argv[1]}: invalid schema: {e.message}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    invalid = False
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = yaml.safe_load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
        for error in errors:
            where = "/".join(str(p) for p in error.path) or "(top)"
            print(f"{path}: {where}: {error.message}", file=sys.stderr)
        print(f"{path}: {'invalid' if errors else 'valid'}")
        invalid = invalid or bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

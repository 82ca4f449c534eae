#!/usr/bin/env python3
"""Validate SBOM files with the kept validators from PyPI.

usage: validate-sbom.py cyclonedx FILE | spdx FILE

CycloneDX: cyclonedx-python-lib's strict JSON validator (schema 1.6).
SPDX: spdx-tools' parser and validator (what `pyspdxtools -i FILE` runs).
Exit 0 valid, 1 invalid, 3 validators not installed.
"""
import sys


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "cyclonedx":
        try:
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
        except ImportError as e:
            print(f"cyclonedx-python-lib missing: {e}", file=sys.stderr)
            return 3
        with open(path, encoding="utf-8") as f:
            text = f.read()
        errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
        if errors:
            print(f"invalid CycloneDX: {errors}", file=sys.stderr)
            return 1
        print("valid CycloneDX 1.6")
        return 0
    if kind == "spdx":
        try:
            from spdx_tools.spdx.parser.parse_anything import parse_file
            from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
        except ImportError as e:
            print(f"spdx-tools missing: {e}", file=sys.stderr)
            return 3
        document = parse_file(path)
        messages = validate_full_spdx_document(document)
        if messages:
            for m in messages:
                print(f"invalid SPDX: {m.validation_message} ({m.context})", file=sys.stderr)
            return 1
        print("valid SPDX 2.3")
        return 0
    print(f"unknown kind {kind}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

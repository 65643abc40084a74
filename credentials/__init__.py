"""Open Badges 3.0 credentials: pure domain code, plain values in and out.

Modules, by concept:
- `ob3`: the data model (frozen dataclasses) and `to_jsonld()` for VC Data Model 2.0 documents.
- `keys`, `did`: issuer Ed25519 keys (Multikey, encrypted at rest) and did:web documents.
- `proof`: eddsa-rdfc-2022 DataIntegrityProof; `sign_document()` issues a credential.
- `status_list`: the Bitstring Status List used for revocation.
- `verify`: `verify_credential()` and `extract_credential()` for JSON, PNG or SVG bytes.
- `baking`, `images`: badge artwork, and credentials baked into it.
- `jsonld`: strict JSON-LD canonicalisation over the vendored contexts in `contexts/`.
"""

"""Open Badges without HTTP: the credential's shape, the status list's bits, `trainer keys create`,
and a second issue for a renewed clearance getting a new status index."""

from __future__ import annotations

import base64
import gzip
import stat
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from trainer.config import PACKAGE_DIR
from trainer.domain import badges as domain
from trainer.domain.loading import load_library
from trainer.extensions import db
from trainer.models import User

from .. import factories

GRANTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CATEGORIES = load_library(PACKAGE_DIR / "scenarios", PACKAGE_DIR / "rubrics").categories


def claim(**overrides) -> domain.BadgeClaim:
    category = CATEGORIES["billing-dispute"]
    fields = dict(
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001", email="Tara@Example.com",
        salt="0011223344556677", category=category, authority=category.level(2),
        limit=Decimal("40.00"), valid_from=GRANTED, valid_until=GRANTED + timedelta(days=365),
        evidence=(domain.Evidence("Charged twice for the same month", GRANTED),),
        status=domain.StatusEntry("https://t.example/badges/status/0", 94567))
    return domain.BadgeClaim(**{**fields, **overrides})


ISSUER = domain.Issuer("https://t.example/badges/issuer", "Acme", "https://t.example/")


def test_the_credential_carries_what_open_badges_3_asks():
    credential = domain.clearance_credential(claim(), ISSUER,
                                             "https://t.example/badges/achievements/b/2")
    assert credential["@context"] == [domain.VC_CONTEXT, domain.OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {"id": ISSUER.id, "type": ["Profile"], "name": "Acme",
                                    "url": "https://t.example/"}
    assert (credential["validFrom"], credential["validUntil"]) == ("2026-03-01T09:00:00Z",
                                                                   "2027-03-01T09:00:00Z")
    subject = credential["credentialSubject"]
    identity = subject["identifier"][0]
    assert identity["identityHash"] == domain.identity_hash("tara@example.com ", identity["salt"])
    assert "tara" not in str(credential).lower()
    assert subject["achievement"]["name"] == "Billing disputes, level 2: goodwill credit up to 50"
    assert subject["result"][0]["value"] == "40"
    assert subject["achievement"]["resultDescription"][0]["valueMax"] == "50"
    assert credential["name"].endswith("(limit 40)")
    assert credential["evidence"] == [{
        "type": ["Evidence"], "name": "Charged twice for the same month",
        "genre": "Assessed role-play", "description": "Assessed attempt passed on 2026-03-01"}]
    assert credential["credentialStatus"] == {
        "id": "https://t.example/badges/status/0#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": "https://t.example/badges/status/0"}
    no_evidence = domain.clearance_credential(claim(evidence=()), ISSUER, "x")
    assert "evidence" not in no_evidence


def test_the_bitstring_is_16kb_left_to_right_and_multibase():
    encoded = domain.encode_bitstring([0, 9, domain.STATUS_LIST_BITS - 1])
    assert encoded.startswith("u") and "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16 * 1024 and raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    bits = domain.decode_bitstring(encoded)
    assert [i for i in (0, 1, 8, 9, 10, domain.STATUS_LIST_BITS - 1)
            if domain.bit_is_set(bits, i)] == [0, 9, domain.STATUS_LIST_BITS - 1]
    assert encoded == domain.encode_bitstring([9, 0, domain.STATUS_LIST_BITS - 1])  # stable
    with pytest.raises(ValueError):
        domain.encode_bitstring([domain.STATUS_LIST_BITS])
    with pytest.raises(ValueError):
        domain.decode_bitstring("u!!!not-gzip")
    with pytest.raises(ValueError):
        domain.bit_is_set(bits, domain.STATUS_LIST_BITS)


def test_validity_dates():
    credential = {"validFrom": "2026-03-01T09:00:00Z", "validUntil": "2027-03-01T09:00:00Z"}
    assert domain.validity_problem(credential, GRANTED) is None
    assert "not valid before" in domain.validity_problem(credential, GRANTED - timedelta(1))
    assert "expired on 2027-03-01" in domain.validity_problem(credential, GRANTED
                                                              + timedelta(days=365))
    assert "no readable validFrom" in domain.validity_problem({}, GRANTED)
    assert "cannot be read" in domain.validity_problem({**credential, "validUntil": 5}, GRANTED)


def test_status_reference_reads_only_a_revocation_entry():
    entry = domain.status_entry(domain.StatusEntry("https://t.example/s/0", 5))
    assert domain.status_reference({"credentialStatus": entry}) == domain.StatusEntry(
        "https://t.example/s/0", 5)
    assert domain.status_reference({"credentialStatus": [{**entry, "statusPurpose": "x"}]}) is None
    assert domain.status_reference({"credentialStatus": {**entry, "statusListIndex": "-1"}}) is None
    assert domain.status_reference({}) is None


def test_keys_create_prints_a_key_that_loads_and_signs(runner):
    result = runner.invoke(args=["keys", "create"])
    assert result.exit_code == 0
    pem = result.stdout
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert "TRAINER_ISSUER_KEY" in result.stderr and "PRIVATE" not in result.stderr
    token = jwt.encode({"x": 1}, key, algorithm="ES256")
    assert jwt.decode(token, key.public_key(), algorithms=["ES256"]) == {"x": 1}


def test_keys_create_writes_a_private_file_once(runner, tmp_path):
    path = tmp_path / "issuer.pem"
    result = runner.invoke(args=["keys", "create", "--type", "ed25519", "--output", str(path)])
    assert result.exit_code == 0 and "PRIVATE" not in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(load_pem_private_key(path.read_bytes(), None), ed25519.Ed25519PrivateKey)
    again = runner.invoke(args=["keys", "create", "--output", str(path)])
    assert again.exit_code != 0 and "cannot create" in again.output


def test_a_renewed_clearance_gets_a_new_credential_and_both_revoke_together(app):
    from trainer.services import badges, status_list
    from trainer.services.badge_checks import verify_badge
    from trainer.services.clearances import grant_clearance, revoke_clearance

    app.config["TRAINER_ISSUER_KEY"] = factories_key()
    urls = badges.Urls("http://localhost")
    with app.test_request_context():
        boss = factories.user("manager")
        tara = factories.user("trainee", manager=boss)
        factories.scored_attempt(tara, "billing-double-charge")
        clearance = grant_clearance(boss, tara, "billing-dispute", 1, 0)
        first = badges.issue_badge(clearance, tara, urls)
        assert badges.issue_badge(clearance, tara, urls).id == first.id
        clearance.expires_at += timedelta(days=1)  # renewed
        db.session.commit()
        second = badges.issue_badge(clearance, tara, urls)
        assert second.id != first.id and second.status_index != first.status_index
        assert verify_badge(second.token, urls).valid and verify_badge(first.token, urls).valid
        with pytest.raises(badges.BadgeHidden):
            badges.issue_badge(clearance, factories.user("trainee"), urls)
        revoke_clearance(db.session.get(User, boss.id), clearance, "Moved to payroll")
        assert set(status_list.revoked_indexes(0)) == {first.status_index, second.status_index}
        for token in (first.token, second.token):
            result = verify_badge(token, urls)
            assert [c.name for c in result.failed] == ["Revocation status"]


def factories_key() -> str:
    from jwcrypto import jwk

    return jwk.JWK.generate(kty="EC", crv="P-256").export_to_pem(private_key=True,
                                                                 password=None).decode()


def test_identity_matches_by_the_salted_hash_only():
    credential = domain.clearance_credential(claim(), ISSUER, "x")
    assert domain.identity_matches(credential, "tara@example.com") is True
    assert domain.identity_matches(credential, "tom@example.com") is False
    assert domain.identity_matches({"credentialSubject": {"identifier": []}}, "a@b.c") is None
    assert domain.identity_matches({"credentialSubject": "nonsense"}, "a@b.c") is None


def test_an_index_taken_meanwhile_is_drawn_again(app, monkeypatch):
    from trainer.services import badges, status_list
    from trainer.services.clearances import grant_clearance

    app.config["TRAINER_ISSUER_KEY"] = factories_key()
    urls = badges.Urls("http://localhost")
    with app.test_request_context():
        boss = factories.user("manager")
        people = [factories.user("trainee", manager=boss) for _ in range(2)]
        clearances = [grant_clearance(boss, p, "billing-dispute", 1, 0,
                                      justification="Ran this queue before") for p in people]
        first = badges.issue_badge(clearances[0], boss, urls)
        free = (first.status_index + 1) % domain.STATUS_LIST_BITS
        draws = iter([(0, first.status_index), (0, free)])
        monkeypatch.setattr(status_list, "allocate", lambda: next(draws))
        second = badges.issue_badge(clearances[1], boss, urls)
        assert second.status_index == free and second.id is not None
        assert "evidence" not in jwt.decode(second.token, options={"verify_signature": False})

"""Open Badges through the pages: the holder downloads a signed credential, a second JOSE library
(PyJWT; the app signs with jwcrypto) checks it against the JWKS the app serves, revocation shows
in the status list and on the public verify page, and nobody else gets the badge."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta

import jwt
import pytest
from jwcrypto import jwk

from trainer.domain.badges import OB_CONTEXT, STATUS_LIST_BITS
from trainer.extensions import db
from trainer.models import BadgeCredential, Clearance, User
from trainer.models._types import utcnow
from trainer.services.clearances import grant_clearance, revoke_clearance

from .. import factories
from ..conftest import csrf_token

SCENARIO = "billing-double-charge"
ORG = "Acme Contact Centre"


def make_key(kty: str = "EC", crv: str = "P-256") -> str:
    return jwk.JWK.generate(kty=kty, crv=crv).export_to_pem(private_key=True,
                                                            password=None).decode()


@pytest.fixture
def badges_app(app):
    app.config.update(TRAINER_ISSUER_KEY=make_key(), TRAINER_ORG_NAME=ORG)
    return app


@pytest.fixture
def team(badges_app):
    with badges_app.app_context():
        admin = factories.user("admin", email="ada@example.com")
        boss = factories.user("manager", email="boss@example.com")
        other = factories.user("manager", email="other@example.com")
        tara = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                              manager=boss)
        tom = factories.user("trainee", email="tom@example.com", manager=other)
        passed = factories.scored_attempt(tara, SCENARIO)
        clearance = grant_clearance(boss, tara, "billing-dispute", 1, 0)
        assert clearance.basis == [passed.id]
        return {"admin": admin.id, "boss": boss.id, "tara": tara.id, "tom": tom.id,
                "clearance": clearance.id, "attempt": passed.id}


def download(client, clearance_id: int, page: str = "/"):
    return client.post(f"/badges/clearances/{clearance_id}/download",
                       data={"csrf_token": csrf_token(client, page)})


def verify_with_pyjwt(client, token: str) -> dict:
    """Check the signature with PyJWT and the JWKS fetched from the app: nothing of the app's
    own code is trusted here."""
    header = jwt.get_unverified_header(token)
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    found = [k for k in keys if k["kid"] == header["kid"]]
    assert len(found) == 1 and header["typ"] == "vc+jwt" and header["alg"] == found[0]["alg"]
    key = jwt.PyJWK(found[0]).key
    return jwt.decode(token, key, algorithms=[header["alg"]], options={"verify_aud": False})


def status_bit(client, credential: dict) -> bool:
    """Fetch the credential's status list from the app, check its signature with PyJWT, and read
    the bit the way any verifier would."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    served = client.get(entry["statusListCredential"].removeprefix("http://localhost"))
    assert served.status_code == 200 and served.mimetype == "application/vc+jwt"
    status = verify_with_pyjwt(client, served.get_data(as_text=True))
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    packed = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    assert len(bits) * 8 >= STATUS_LIST_BITS
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_the_holder_downloads_a_credential_that_pyjwt_verifies(client, auth, team, badges_app):
    auth.login("tara@example.com")
    assert "Download badge" in client.get("/").get_data(as_text=True)
    response = download(client, team["clearance"])
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    token = response.get_data(as_text=True)
    credential = verify_with_pyjwt(client, token)
    assert credential["@context"][1] == OB_CONTEXT
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["name"] == ORG
    assert client.get("/badges/issuer").get_json()["id"] == credential["issuer"]["id"]
    with badges_app.app_context():
        clearance = db.session.get(Clearance, team["clearance"])
        assert credential["validUntil"] == clearance.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    subject = credential["credentialSubject"]
    identity = subject["identifier"][0]
    assert identity["hashed"] is True and identity["identityHash"].startswith("sha256$")
    assert "tara" not in token and "tara" not in json.dumps(credential)  # no plain email or name
    assert subject["achievement"]["name"].startswith("Billing disputes, level 1")
    assert client.get(subject["achievement"]["id"].removeprefix("http://localhost")).get_json()[
        "name"] == subject["achievement"]["name"]
    assert [e["name"] for e in credential["evidence"]] == ["Charged twice for the same month"]
    assert not status_bit(client, credential)
    assert download(client, team["clearance"]).get_data(as_text=True) == token  # the same one


def test_revoking_the_clearance_sets_the_bit_and_the_verify_page_says_so(client, auth, team,
                                                                         badges_app):
    auth.login("tara@example.com")
    token = download(client, team["clearance"]).get_data(as_text=True)
    page = client.get("/badges/verify", query_string={"credential": token})
    assert page.status_code == 200 and "All checks passed" in page.get_data(as_text=True)
    with badges_app.app_context():
        revoke_clearance(db.session.get(User, team["boss"]),
                         db.session.get(Clearance, team["clearance"]), "Left the billing queue")
    assert status_bit(client, verify_with_pyjwt(client, token))
    client.get("/")  # a fresh form token: the verify form is posted like a visitor would
    posted = client.post("/badges/verify", data={"credential": token,
                                                 "csrf_token": csrf_token(client,
                                                                          "/badges/verify")})
    body = posted.get_data(as_text=True)
    assert "Failed: Revocation status" in body and "Revoked" in body
    assert download(client, team["clearance"]).status_code == 409  # no badge for a revoked one


def test_an_expired_credential_fails_on_dates(client, team, badges_app):
    with badges_app.app_context():
        from trainer.services.badges import Urls, issue_badge

        clearance = db.session.get(Clearance, team["clearance"])
        then = utcnow() - timedelta(days=400)
        clearance.granted_at, clearance.expires_at = then, then + timedelta(days=365)
        db.session.commit()
        token = issue_badge(clearance, clearance.user, Urls("http://localhost"),
                            now=then + timedelta(days=1)).token
    body = client.get("/badges/verify", query_string={"credential": token}).get_data(
        as_text=True)
    assert "Failed: Validity dates" in body and "expired on" in body
    assert jwt.get_unverified_header(token)["typ"] == "vc+jwt"


def test_a_tampered_credential_fails_on_its_signature(client, auth, team):
    auth.login("tara@example.com")
    token = download(client, team["clearance"]).get_data(as_text=True)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["validUntil"] = "2099-01-01T00:00:00Z"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (f"{header}.{forged}.{signature}", "not a jwt at all", token[:-4] + "AAAA"):
        body = client.get("/badges/verify", query_string={"credential": bad}).get_data(
            as_text=True)
        assert "Failed: Signature" in body and "All checks passed" not in body
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_pyjwt(client, f"{header}.{forged}.{signature}")


@pytest.mark.parametrize("who", ["tom@example.com", "other@example.com"])
def test_nobody_else_gets_the_badge(client, auth, team, who):
    auth.login(who)
    assert download(client, team["clearance"]).status_code == 404
    assert download(client, 999999).status_code == 404


@pytest.mark.parametrize("who", ["boss@example.com", "ada@example.com"])
def test_the_manager_and_an_admin_may_download_it(client, auth, team, who):
    auth.login(who)
    page = f"/team/people/{team['tara']}"
    assert "Download badge" in client.get(page).get_data(as_text=True)
    assert download(client, team["clearance"], page).status_code == 200


def test_anonymous_download_asks_to_log_in_and_needs_csrf(client, auth, team):
    response = client.post(f"/badges/clearances/{team['clearance']}/download")
    assert response.status_code in (302, 400)
    auth.login("tara@example.com")
    assert client.post(f"/badges/clearances/{team['clearance']}/download").status_code == 400


def test_without_a_key_nothing_is_offered_and_routes_say_so(client, auth, team, badges_app):
    badges_app.config["TRAINER_ISSUER_KEY"] = None
    auth.login("tara@example.com")
    assert "Download badge" not in client.get("/").get_data(as_text=True)
    refused = download(client, team["clearance"])
    assert refused.status_code == 404 and "No issuer key is configured" in refused.get_data(
        as_text=True)
    assert client.get("/.well-known/jwks.json").status_code == 404
    page = client.get("/badges/verify", query_string={"credential": "a.b.c"})
    assert page.status_code == 200 and "no issuer key configured" in page.get_data(as_text=True)
    with badges_app.app_context():
        assert db.session.query(BadgeCredential).count() == 0


def test_a_bad_key_is_a_message_not_a_500(client, auth, team, badges_app):
    badges_app.config["TRAINER_ISSUER_KEY"] = "-----BEGIN PRIVATE KEY-----\nnonsense\n"
    auth.login("tara@example.com")
    refused = download(client, team["clearance"])
    assert refused.status_code == 404 and "neither a PEM nor a JWK" in refused.get_data(
        as_text=True)
    badges_app.config["TRAINER_ISSUER_KEY"] = jwk.JWK.generate(kty="RSA", size=2048).export()
    assert "must be EC P-256" in download(client, team["clearance"]).get_data(as_text=True)


def test_an_ed25519_key_from_a_file_signs_eddsa(client, auth, team, badges_app, tmp_path):
    path = tmp_path / "issuer.pem"
    path.write_text(make_key("OKP", "Ed25519"))
    badges_app.config.update(TRAINER_ISSUER_KEY=None, TRAINER_ISSUER_KEY_FILE=str(path),
                             TRAINER_BASE_URL="https://trainer.example.com/")
    auth.login("tara@example.com")
    token = download(client, team["clearance"]).get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"].startswith("https://trainer.example.com/badges/issuer/keys/")
    credential = verify_with_pyjwt(client, token)
    assert credential["credentialStatus"]["statusListCredential"].startswith(
        "https://trainer.example.com/badges/status/")
    key = client.get(header["kid"].removeprefix("https://trainer.example.com"))
    assert key.get_json()["kid"] == header["kid"] and "d" not in key.get_json()


def test_verify_page_keeps_what_was_typed_and_needs_no_login(client, badges_app):
    page = client.get("/badges/verify")
    assert page.status_code == 200 and "Verify a badge" in page.get_data(as_text=True)
    empty = client.get("/badges/verify", query_string={"credential": ""})
    assert empty.status_code == 422 and "Paste the credential first" in empty.get_data(
        as_text=True)
    typed = client.get("/badges/verify", query_string={"credential": "abc.def"})
    assert "abc.def" in typed.get_data(as_text=True)
    assert client.get("/badges/status/7").status_code == 404
    assert client.get("/badges/achievements/nope/1").status_code == 404


def test_a_verifier_can_check_the_holders_email_against_the_hash(client, auth, team):
    auth.login("tara@example.com")
    token = download(client, team["clearance"]).get_data(as_text=True)
    auth.logout()
    right = client.get("/badges/verify", query_string={"credential": token,
                                                       "email": " Tara@Example.com"})
    assert "All checks passed" in right.get_data(as_text=True)
    assert "is the holder&#39;s" in right.get_data(as_text=True)
    wrong = client.get("/badges/verify", query_string={"credential": token,
                                                       "email": "tom@example.com"})
    body = wrong.get_data(as_text=True)
    assert "Failed: Holder" in body and 'value="tom@example.com"' in body

"""`trainer keys create`: a new private key for signing Open Badges (never stored by the app)."""

from __future__ import annotations

import os
from pathlib import Path

import click

KEY_TYPES = {"ec": ("EC", "P-256", "ES256"), "ed25519": ("OKP", "Ed25519", "EdDSA")}


@click.group("keys", help="The organisation's key that signs Open Badges credentials.")
def keys_group() -> None:
    pass


@keys_group.command("create")
@click.option("--type", "key_type", type=click.Choice(sorted(KEY_TYPES)), default="ec",
              show_default=True, help="ec: ECDSA P-256 (ES256); ed25519: EdDSA.")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the key to this new file (mode 600) instead of printing it.")
def create_command(key_type: str, output: Path | None) -> None:
    """Make a private key and print it as PEM (or write it to --output). Give it to the app as
    TRAINER_ISSUER_KEY (the PEM text) or TRAINER_ISSUER_KEY_FILE (the file)."""
    from jwcrypto import jwk

    kty, crv, alg = KEY_TYPES[key_type]
    key = jwk.JWK.generate(kty=kty, crv=crv)
    pem = key.export_to_pem(private_key=True, password=None).decode()
    if output is None:
        click.echo(pem, nl=False)
        where = "Set TRAINER_ISSUER_KEY to the text above"
    else:
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise click.ClickException(f"cannot create {output}: {exc.strerror}") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(pem)
        where = f"Wrote {output}; set TRAINER_ISSUER_KEY_FILE={output}"
    click.echo(f"{where}. Key {key.thumbprint()} ({alg}). Keep it secret; replacing it makes "
               "badges signed with this one fail verification.", err=True)

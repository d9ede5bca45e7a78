"""Create the demo signing certificate (a demo CA and a signer for the authority) when it is missing.

`seed_demo` calls this, so `make run` signs documents out of the box. It only ever writes the development default
(var/signing/demo-signer.p12) or a path given with --path: a production SIGNING_PKCS12_PATH that is missing is an
error to fix, never a place to put a demo certificate.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scoring.signing.certificates import DEMO_SIGNER_FILE, ensure_demo_certificate

DEMO_PATH = Path(settings.BASE_DIR) / "var" / "signing" / DEMO_SIGNER_FILE


class Command(BaseCommand):
    help = "Tạo chứng thư số thử nghiệm (CA và người ký) trong var/signing/ nếu chưa có."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--authority", default="UBND quận Thanh Xuân", help="Tên cơ quan ghi trên chứng thư.")
        parser.add_argument("--path", default="", help="Nơi ghi tệp PKCS#12 (mặc định: var/signing/).")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"] or settings.SIGNING_PKCS12_PATH or DEMO_PATH)
        if not options["path"] and path.resolve() != DEMO_PATH.resolve():
            if not path.exists():
                raise CommandError(f"SIGNING_PKCS12_PATH ({path}) does not exist; no demo certificate is made there.")
            self.stdout.write(f"Signing certificate: {path}")
            return
        password = settings.SIGNING_PKCS12_PASSWORD
        if ensure_demo_certificate(path, password=password, authority_name=options["authority"]):
            self.stdout.write(f"Demo signing certificate written to {path} (CA beside it); not for real decisions.")
        else:
            self.stdout.write(f"Signing certificate: {path}")

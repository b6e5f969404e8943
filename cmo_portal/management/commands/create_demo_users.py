from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portfolio.demo import demo_logins_ensure


class Command(BaseCommand):
    help = (
        "Create one demo login per role (scm, rm, exec, admin) with a fixed password, or "
        "reset them if they exist. Demo credentials: never for a shared or production server."
    )

    def handle(self, *args, **options):
        try:
            logins = demo_logins_ensure()
        except (LookupError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(login.role) for login, _ in logins)
        self.stdout.write(f"{'username':<10}{'role':<{width + 2}}{'password':<18}")
        self.stdout.write(f"{'-' * 8:<10}{'-' * width:<{width + 2}}{'-' * 16:<18}")
        for login, created in logins:
            self.stdout.write(
                f"{login.username:<10}{login.role:<{width + 2}}{login.password:<18}"
                f"{'created' if created else 'password reset'}"
            )
        self.stdout.write(
            self.style.WARNING(
                "These are DEMO credentials, printed in clear text: use them for a demo on a "
                "laptop only, never on a shared or production server."
            )
        )

"""Create or update an editor: a staff account in the Editors group.

    manage.py add_editor <username> [--email ADDRESS] [--set-password | --no-password]

A new account asks for its password (twice, checked by the password validators); an existing
account keeps its password unless --set-password is given. No password is ever stored in code or
taken from the command line. The Editors group's permissions are brought up to date first.
"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.admin.roles import EDITORS_GROUP, sync_editors_group

MAX_TRIES = 3


class Command(BaseCommand):
    help = "Create or update a staff account in the Editors group (asks for the password)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default=None, help="Set the account's email address.")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--set-password",
            action="store_true",
            help="Ask for a new password even when the account exists.",
        )
        password.add_argument(
            "--no-password",
            action="store_true",
            help="Create the account without a usable password (set one later with "
            "manage.py changepassword).",
        )

    def handle(self, *args, username, email, set_password, no_password, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username})
        if email is not None:
            user.email = email

        if no_password and created:
            user.set_unusable_password()
        elif created or set_password:
            user.set_password(self.ask_password(user))

        with transaction.atomic():
            group = sync_editors_group(Group, Permission)
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} editor “{username}”: staff, in the {EDITORS_GROUP} group.")
        )

    def ask_password(self, user):
        if not sys.stdin.isatty():
            raise CommandError(
                "A password is needed and this is not an interactive terminal. Run the command "
                "in a terminal, or use --no-password and set one later with "
                "manage.py changepassword."
            )
        for _attempt in range(MAX_TRIES):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
        raise CommandError("No acceptable password given; nothing was changed.")

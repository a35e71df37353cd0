"""Celery tasks for accounts: thin entry points that call a service."""

from __future__ import annotations

from celery import shared_task

from .services import claim_check


@shared_task(name="accounts.tasks.check_claim", ignore_result=True)
def check_claim(claim_id: int) -> None:
    claim_check(claim_id=claim_id)

"""The applications section of the citizen's personal data: export, closure blockers, and erasure that keeps
what the law requires."""

import pytest

from ..models import Application, RequirementUpload, State
from ..selectors import applications_open_for, applications_personal_data
from ..services import applications_personal_data_erase
from ..workflow import application_transition
from . import factories

pytestmark = pytest.mark.usefixtures("catalog")


def test_export_lists_applications_answers_files_and_timeline(db):
    application = factories.submitted()
    data = applications_personal_data(application.applicant)
    assert data[0]["tracking_number"] == application.tracking_number
    assert data[0]["answers"] == application.answers
    assert len(data[0]["uploads"]) == application.uploads.count()
    assert data[0]["timeline"][0]["status"] == State.VERIFICATION


def test_open_application_blocks_closure_until_done(db):
    application = factories.submitted()
    assert application.tracking_number in applications_open_for(application.applicant)[0]
    application_transition(application=application, action="withdraw", actor=application.applicant)
    assert applications_open_for(application.applicant) == []


def test_erase_deletes_drafts_and_keeps_submitted_applications(db, django_capture_on_commit_callbacks):
    kept = factories.submitted()
    draft = factories.draft(applicant=kept.applicant)
    factories.upload_all(draft)
    with django_capture_on_commit_callbacks(execute=True):
        summary = applications_personal_data_erase(kept.applicant)
    assert summary == {"drafts_deleted": 1}
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not RequirementUpload.objects.filter(application_id=draft.pk).exists()
    assert Application.objects.filter(pk=kept.pk).exists() and kept.uploads.exists()

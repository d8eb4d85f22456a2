"""Every online service of the catalog, walked through all its SOP steps by the role each step names; at
every step every other role (and the applicant, another citizen, the admin) is refused and nothing moves."""

import pytest
from django.core import mail

from capil.accounts.models import Role
from capil.notifications.models import Notification

from .. import services, sop
from ..models import Application, State
from ..workflow import STAFF_ACTIONS, TRANSITIONS, TransitionRefused, application_transition
from . import factories

pytestmark = pytest.mark.usefixtures("catalog")


def _online_slugs():
    # The catalog is imported per test; the list of online services is read from the overlay-backed
    # document once, at collection, through the same selectors (a throwaway in-memory import would be
    # slower than reading the overlay's channel entries).
    from capil.catalog.definitions import load_overlay
    from capil.catalog.services import default_overlay_path

    overlay = load_overlay(default_overlay_path())
    return sorted(slug for slug, entry in overlay["services"].items() if entry.get("channel", "") == "ONLINE")


ONLINE = _online_slugs()


def test_the_list_of_online_services_is_the_catalogs():
    assert sorted(factories.online_slugs()) == ONLINE
    assert len(ONLINE) >= 15


def _actors(application, team, stranger):
    return {"applicant": application.applicant, "other_citizen": stranger, **{r.value: u for r, u in team.items()}}


def _assert_refused_for_all_but(application, action, allowed_key, actors):
    state_before = application.state
    for key, actor in actors.items():
        if key == allowed_key:
            continue
        with pytest.raises(TransitionRefused) as info:
            application_transition(application=application, action=action, actor=actor,
                                   reason="uji", expected_state=state_before)
        assert info.value.code == "forbidden", (action, key, info.value.message)
    application.refresh_from_db()
    assert application.state == state_before


def _conditions_on(version) -> dict:
    return {f.name: True for f in sop.form_fields(version) if f.type == "boolean"}


@pytest.mark.parametrize("slug", ONLINE)
def test_service_walks_every_step_with_its_role_and_refuses_every_other(slug, team):
    version = factories.version_of(slug)
    applicant = factories.citizen()
    stranger = factories.citizen()
    answers = factories.valid_answers(version, **_conditions_on(version))
    application = factories.draft(applicant=applicant, slug=slug, answers=answers)
    factories.upload_all(application)
    actors = _actors(application, team, stranger)
    step_roles = {s.number: s.role_code for s in sop.steps(version)}

    _assert_refused_for_all_but(application, "submit", "applicant", actors)
    application_transition(application=application, action="submit", actor=applicant)
    application.refresh_from_db()
    seen_steps = [7]

    while application.state not in (State.ARCHIVED,):
        state = application.state
        for action in STAFF_ACTIONS.get(state, ()):
            transition = TRANSITIONS[action]
            role = step_roles.get(transition.step) or transition.default_role
            _assert_refused_for_all_but(application, action, role, actors)
        if state == State.VERIFICATION:
            operator = team[Role.OPERATOR]
            for key, actor in actors.items():
                if key != Role.OPERATOR.value:
                    with pytest.raises(TransitionRefused):
                        services.requirement_review(upload=application.uploads.first(), actor=actor, accepted=True)
            factories.accept_all(application, operator)
            application_transition(application=application, action="requirements_met", actor=operator)
        elif state == State.DATA_ENTRY:
            for key, actor in actors.items():
                if key != Role.OPERATOR.value:
                    with pytest.raises(TransitionRefused):
                        services.record_enter(application=application, actor=actor,
                                              data=factories.record_data(application))
            services.record_enter(application=application, actor=team[Role.OPERATOR],
                                  data=factories.record_data(application))
        elif state == State.SIGNING:
            for key, actor in actors.items():
                if key != Role.KADIS.value:
                    with pytest.raises(TransitionRefused):
                        services.application_sign(application=application, actor=actor)
            services.application_sign(application=application, actor=team[Role.KADIS])
        elif state == State.ARCHIVING:
            services.application_archive(application=application, actor=team[Role.ARSIPARIS])
        else:
            action = STAFF_ACTIONS[state][0]
            transition = TRANSITIONS[action]
            role = step_roles.get(transition.step) or transition.default_role
            application_transition(application=application, action=action, actor=team[role])
        application.refresh_from_db()
        assert application.state != state, f"{slug}: stuck in {state}"
        seen_steps += [e.sop_step for e in application.events.filter(sop_step__isnull=False)
                       .order_by("-created_at", "-id")[:1]]

    events = list(application.events.order_by("created_at", "id"))
    assert [e.sop_step for e in events] == [7, 9, 10, 11, 12, 13, 14, 15, 17, 18]
    for event in events:
        if event.actor is not None and event.sop_step in step_roles:
            expected = "CITIZEN" if event.actor == applicant else step_roles[event.sop_step]
            assert event.actor.role == expected, (slug, event.sop_step, event.actor.role)
    assert application.output_document is not None
    delivered = Notification.objects.filter(subject_id=str(application.pk)).values_list("event", flat=True)
    if sop.output_collected_at_counter(application.output_kind):
        assert "ready_for_pickup" in delivered and "document_signed" not in delivered
    else:
        assert "document_signed" in delivered
    assert application.completed_at is not None and application.is_read_only
    assert Application.objects.filter(pk=application.pk, state=State.ARCHIVED).exists()
    assert len(mail.outbox) == 0  # delivered after commit, never inside the transaction

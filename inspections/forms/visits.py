"""Forms of the follow-up visit pages. A questionnaire is edited as text, one question per
line (see QUESTION_FORMAT); the visit form renders the plan's questionnaire as fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from integrity.org.models import Case, Court
from integrity.web.dates import ChineseDateField

from .. import rules
from ..models import Questionnaire, Visit, VisitPlan
from ..services.visits import NO, YES

QUESTION_FORMAT = _(
    "One question per line: key | question | kind | answers | problem answers. The key is "
    "letters, digits or underscores; the kind is yes_no, choice or text; answers (for a "
    "choice) and problem answers are separated by /. A yes_no question's answers are yes and "
    "no. Example: gifts | 是否有干警收受礼品？ | yes_no | | yes"
)
_SEPARATOR = re.compile(r"\s*[/／、]\s*")


def questions_to_text(questions: list[dict]) -> str:
    lines = []
    for q in questions:
        lines.append(
            " | ".join(
                [
                    q.get("key", ""),
                    q.get("text", ""),
                    q.get("kind", ""),
                    "/".join(q.get("choices") or ()),
                    "/".join(q.get("problem") or ()),
                ]
            )
        )
    return "\n".join(lines)


def text_to_questions(text: str) -> list[dict]:
    """Read the one-line-per-question text; a line with the wrong number of parts is an error
    naming the line (the rest is checked by the service)."""
    questions, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace("｜", "|").split("|")]
        if len(parts) < 3 or len(parts) > 5:
            errors.append(
                _("Line %(n)s: write key | question | kind | answers | problem answers.")
                % {"n": number}
            )
            continue
        parts += [""] * (5 - len(parts))
        key, text_, kind, choices, problem = parts
        questions.append(
            {
                "key": key,
                "text": text_,
                "kind": kind,
                "choices": [c for c in _SEPARATOR.split(choices) if c],
                "problem": [p for p in _SEPARATOR.split(problem) if p],
            }
        )
    if errors:
        raise ValidationError(errors)
    return questions


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VoidForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The record stays visible to auditors with this reason."),
    )


class QuestionnaireForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    court = forms.ModelChoiceField(queryset=Court.objects.none(), label=_("Court"))
    name = forms.CharField(label=_("Name"), max_length=100)
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100}),
        help_text=QUESTION_FORMAT,
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, courts: QuerySet[Court], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        if editing:
            del self.fields["court"]

    def clean_questions(self) -> list[dict]:
        return text_to_questions(self.cleaned_data["questions"])

    @staticmethod
    def initial_for(questionnaire: Questionnaire | None) -> dict[str, Any]:
        if questionnaire is None:
            return {"questions": questions_to_text(rules.default_questions()), "is_active": True}
        return {
            "version": questionnaire.version,
            "name": questionnaire.name,
            "questions": questions_to_text(questionnaire.questions),
            "is_active": questionnaire.is_active,
        }


class VisitPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    court = forms.ModelChoiceField(
        queryset=Court.objects.none(),
        label=_("Organising court"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    courts = forms.ModelMultipleChoiceField(
        queryset=Court.objects.none(),
        label=_("Courts visited"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organising court or courts below it, within your scope."),
    )
    case_types = forms.MultipleChoiceField(
        choices=Case.Type.choices,
        label=_("Case types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every case type."),
    )
    closed_from = ChineseDateField(label=_("Cases closed from"))
    closed_to = ChineseDateField(label=_("Cases closed to"))
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=10000)
    questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.none(), label=_("Questionnaire")
    )

    def __init__(
        self,
        *args: Any,
        courts: QuerySet[Court],
        questionnaires: QuerySet[Questionnaire],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["courts"].queryset = courts.order_by("path")
        self.fields["questionnaire"].queryset = questionnaires

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("closed_from"), data.get("closed_to")
        if start and end and start > end:
            self.add_error("closed_to", _("The period ends before it starts."))
        return data

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["courts"] = list(data["courts"])
        return data

    @staticmethod
    def initial_for(plan: VisitPlan) -> dict[str, Any]:
        return {
            "version": plan.version,
            "court": plan.court_id,
            "title": plan.title,
            "courts": list(plan.courts.values_list("pk", flat=True)),
            "case_types": plan.case_types,
            "closed_from": plan.closed_from,
            "closed_to": plan.closed_to,
            "sample_size": plan.sample_size,
            "questionnaire": plan.questionnaire_id,
        }


class DrawForm(VersionForm):
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty for a new random seed. The seed is stored with the draw."),
    )


class VisitPlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *VisitPlan.Status.choices],
    )


ANSWER_PREFIX = "q_"


class VisitForm(forms.Form):
    respondent_kind = forms.ChoiceField(label=_("Respondent"), choices=Visit.Respondent.choices)
    respondent_name = forms.CharField(
        label=_("Respondent's name"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "respondent-names", "autocomplete": "off"}),
        help_text=_("The case's parties and agents are offered; another name may be written."),
    )
    method = forms.ChoiceField(label=_("How contacted"), choices=Visit.Method.choices)
    visited_on = ChineseDateField(label=_("Visited on"))

    def __init__(self, *args: Any, questions: list[dict], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = ANSWER_PREFIX + question["key"]
            if question["kind"] == rules.YES_NO:
                field: forms.Field = forms.ChoiceField(
                    choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect
                )
            elif question["kind"] == rules.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.get("choices", ())],
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
            field.label = question["text"]
            self.fields[name] = field
        self.fields["comments"] = forms.CharField(
            label=_("Free comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def answer_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(ANSWER_PREFIX)]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "respondent_kind": data["respondent_kind"],
            "respondent_name": data["respondent_name"],
            "method": data["method"],
            "visited_on": data["visited_on"],
            "comments": data.get("comments", ""),
            "answers": {
                q["key"]: data.get(ANSWER_PREFIX + q["key"], "")
                for q in self.questions
                if data.get(ANSWER_PREFIX + q["key"], "") != ""
            },
        }

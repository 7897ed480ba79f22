"""The eligibility and amount rule of a campaign, applied to one household as the registry
knew it on the 基準日. Pure functions: the bulk run (eligibility.py) and the resident's page
(told at once why not) use the same code.

Age is computed the legal way (年齢計算ニ関スル法律 with 民法 143): a person attains an age at
the end of the day before their birthday, so on day D they are as old as a plain calendar age
on D + 1 day. Someone whose 18th birthday is the day after the 基準日 is 18 on the 基準日;
someone born on the 基準日 is 0 and recorded (born on or before the day).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from madoguchi.linkage.types import RegistryHousehold, RegistryPerson

from .types import Assessment, Rule, Unit

ADULT_AGE = 18


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """The legal age on `day` (see the module docstring)."""
    after = day + datetime.timedelta(days=1)
    years = after.year - birth_date.year
    if (after.month, after.day) < (birth_date.month, birth_date.day):
        years -= 1
    return max(years, 0)


def _in_band(rule: Rule, age: int) -> bool:
    if rule.age_min is not None and age < rule.age_min:
        return False
    return not (rule.age_max is not None and age > rule.age_max)


def _has_band(rule: Rule) -> bool:
    return rule.age_min is not None or rule.age_max is not None


def _applicant(members: list[RegistryPerson], day: datetime.date) -> int | None:
    """The head of household if recorded on the day, else the eldest recorded adult."""
    for person in members:
        if person.is_householder:
            return person.resident_id
    adults = [p for p in members if age_on(p.birth_date, day) >= ADULT_AGE]
    if not adults:
        return None
    return min(adults, key=lambda p: (p.birth_date, p.resident_id)).resident_id


def assess(rule: Rule, household: RegistryHousehold) -> Assessment:
    day = rule.base_date
    assert isinstance(day, datetime.date)
    recorded = [p for p in household.members if p.recorded]
    if not recorded:
        return Assessment(
            eligible=False,
            reason=_(
                "No member of the household was recorded in the resident registry on the base "
                "date (%(date)s)."
            )
            % {"date": day.strftime("%Y-%m-%d")},
        )
    if rule.unit == Unit.HOUSEHOLD:
        if rule.tax_exempt and any(p.taxable for p in recorded):
            return Assessment(
                eligible=False,
                reason=_(
                    "A member of the household is subject to resident tax; this benefit is for "
                    "households exempt from it (住民税非課税世帯)."
                ),
            )
        if _has_band(rule) and not any(_in_band(rule, age_on(p.birth_date, day)) for p in recorded):
            return Assessment(
                eligible=False,
                reason=_(
                    "No member of the household is in the age band of this benefit on the "
                    "base date."
                ),
            )
        counted = recorded
    else:
        counted = [
            p
            for p in recorded
            if _in_band(rule, age_on(p.birth_date, day)) and not (rule.tax_exempt and p.taxable)
        ]
        if not counted:
            return Assessment(
                eligible=False,
                reason=_(
                    "No member of the household meets the conditions of this benefit on the base "
                    "date (age band, resident tax)."
                ),
            )
    children = sum(1 for p in counted if age_on(p.birth_date, day) < rule.child_age_under)
    amount = (
        rule.amount_per_household
        + rule.amount_per_person * len(counted)
        + rule.amount_per_child * children
    )
    if amount <= 0:
        return Assessment(
            eligible=False, reason=_("The amount rule gives nothing to this household.")
        )
    applicant = _applicant(recorded, day)
    if applicant is None:
        return Assessment(
            eligible=False,
            reason=_("No adult of the household was recorded on the base date to receive it."),
        )
    return Assessment(
        eligible=True,
        persons=len(counted),
        children=children,
        amount=amount,
        applicant_id=applicant,
    )

import uuid

import django.db.models.deletion
from django.db import migrations, models

import madoguchi.idp.models

PERSON = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "gender",
    "postal_code",
    "address",
)


def copy_from_residents(apps, schema_editor):
    DemoIdentity = apps.get_model("idp", "DemoIdentity")
    for identity in DemoIdentity.objects.select_related("resident"):
        resident = identity.resident
        identity.subject = str(resident.subject) if resident else str(uuid.uuid4())
        if resident is not None:
            for field in PERSON:
                setattr(identity, field, getattr(resident, field))
        identity.save()


class Migration(migrations.Migration):
    dependencies = [
        ("idp", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="demoidentity",
            name="subject",
            field=models.CharField(max_length=64, null=True, verbose_name="Subject"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="family_name",
            field=models.CharField(blank=True, max_length=64, verbose_name="Family name"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="given_name",
            field=models.CharField(blank=True, max_length=64, verbose_name="Given name"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="family_name_kana",
            field=models.CharField(blank=True, max_length=128, verbose_name="Family name (kana)"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="given_name_kana",
            field=models.CharField(blank=True, max_length=128, verbose_name="Given name (kana)"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="birth_date",
            field=models.DateField(blank=True, null=True, verbose_name="Date of birth"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="gender",
            field=models.CharField(blank=True, max_length=1, verbose_name="Gender"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="postal_code",
            field=models.CharField(blank=True, max_length=7, verbose_name="Postal code"),
        ),
        migrations.AddField(
            model_name="demoidentity",
            name="address",
            field=models.CharField(blank=True, max_length=256, verbose_name="Address"),
        ),
        migrations.RunPython(copy_from_residents, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="demoidentity",
            name="subject",
            field=models.CharField(
                default=madoguchi.idp.models.new_subject,
                max_length=64,
                unique=True,
                verbose_name="Subject",
            ),
        ),
        migrations.AlterField(
            model_name="demoidentity",
            name="resident",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.resident",
            ),
        ),
    ]

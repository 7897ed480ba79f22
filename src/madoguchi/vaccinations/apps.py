from django.apps import AppConfig


class VaccinationsConfig(AppConfig):
    name = "madoguchi.vaccinations"
    label = "vaccinations"
    verbose_name = "Vaccination records"

import pytest

from madoguchi.catalog.services import catalog_demo_offerings_load, catalog_load


@pytest.fixture
def catalog(master):
    catalog_load()
    catalog_demo_offerings_load()

from mautrix.util.async_db import UpgradeTable

upgrade_table = UpgradeTable(version_table_name="soudan_version", database_name="soudan")

# Each migration registers itself when imported.
from . import (  # noqa: E402,F401
    v01_initial,
    v02_tenants,
    v03_cases,
    v04_personas,
    v05_routing,
    v06_records,
    v07_board,
    v08_sessions,
    v09_letters,
    v10_rooms,
    v11_case_sequence,
    v12_board_text,
    v13_group_rooms,
    v14_staff_accounts,
    v15_records_survive,
    v16_sent_back,
)

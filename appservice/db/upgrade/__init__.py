from mautrix.util.async_db import UpgradeTable

upgrade_table = UpgradeTable(version_table_name="soudan_version", database_name="soudan")

from . import v01_initial  # noqa: E402,F401  (registers itself on the table above)

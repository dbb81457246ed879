"""CSV import and export of customers and organizations (see the README for the file format)."""

from customers.csv_io.export import CUSTOMER_COLUMNS, ORGANIZATION_COLUMNS, customers_csv, organizations_csv
from customers.csv_io.imports import (
    ImportReport,
    RowError,
    ensure_can_import,
    import_customers,
    import_organizations,
)

__all__ = [
    "CUSTOMER_COLUMNS",
    "ORGANIZATION_COLUMNS",
    "ImportReport",
    "RowError",
    "customers_csv",
    "ensure_can_import",
    "import_customers",
    "import_organizations",
    "organizations_csv",
]

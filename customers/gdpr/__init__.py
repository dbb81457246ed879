"""GDPR for customers: export everything we hold about one (customer_export) and erase them
(customer_erase). Both are for admins only and audited; scope.py says what belongs to a customer."""

from customers.gdpr.erase import customer_erase, erase_preview
from customers.gdpr.export import customer_export
from customers.gdpr.scope import customer_for_gdpr, customer_scope, ensure_admin

__all__ = [
    "customer_erase",
    "customer_export",
    "customer_for_gdpr",
    "customer_scope",
    "ensure_admin",
    "erase_preview",
]

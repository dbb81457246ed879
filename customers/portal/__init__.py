"""The self-service portal at /portal/: customers follow their requests, file new ones, help
themselves in the knowledge base and manage their account. Views are thin; the rules live in the
tickets and customers services, and every page checks that the request belongs to the customer (or,
for organization managers, to their organization)."""

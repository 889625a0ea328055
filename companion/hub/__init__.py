"""The shop hub client: PostgreSQL schema, enrolment, pushing and pulling changes, marketplace leases.

Speaks only to PostgreSQL (psycopg 3); never opens the shop file. sync/ joins the hub and the store."""

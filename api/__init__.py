"""The integrators' door (issue #12): `/api/v1`, one DRF view per operation, every write
through the services the portal, intake and back-office use, every read through one tenancy
rule (D15)."""

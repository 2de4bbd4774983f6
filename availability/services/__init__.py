"""Every write of availability and maintenance (ARCHITECTURE: services, time passed in)."""

"""Contracts in use: time recorded on tickets turned into billable lines, entitlement balances,
fair use, and the contract terms that run by themselves (issue #14; SPEC §2.3-2.6, §2.9, §7)."""

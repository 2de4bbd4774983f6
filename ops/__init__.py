"""Operator tooling run beside the desk (the drill): not part of the application's layers."""

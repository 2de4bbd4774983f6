"""Pure availability rules (SPEC §6, DECISIONS D22): intervals in, figures out; no Django."""

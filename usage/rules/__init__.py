"""Pure billing rules (no Django): CBG tiers, what a ticket's work bills, fair use."""
